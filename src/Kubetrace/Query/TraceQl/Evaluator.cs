using System.Text.RegularExpressions;
using Kubetrace.Otlp.Proto.Common;
using Kubetrace.Otlp.Proto.Trace;

namespace Kubetrace.Query.TraceQl;

/// <summary>
/// Evaluates field expressions on one span with Tempo's semantics (pkg/traceql/ast_execute.go): operands whose
/// types cannot meet give false (strict typing: <c>"500"</c> is not <c>500</c>), ints stay ints, anything else
/// numeric is computed as floats, a missing attribute is nil and nil equals nothing. Event and link attributes are
/// read from the event or link being considered (<see cref="SpanContext"/>).
/// </summary>
public static class Evaluator
{
    /// <summary>A span with, when the expression reads events or links, the one currently considered.</summary>
    public readonly record struct SpanContext(SpanRecord Span, Span.Types.Event? Event = null, Span.Types.Link? Link = null);

    public static Static Execute(FieldExpr expression, in SpanContext span) => expression switch
    {
        Literal l => l.Value,
        AttributeRef a => Lookup(a, span),
        BinaryExpr b => Binary(b, span),
        UnaryExpr u => Unary(u.Op, Execute(u.Operand, span)),
        _ => Static.Nil,
    };

    /// <summary>Whether a filter keeps the span: true for some event and link when it reads them, as Tempo's fetch does.</summary>
    public static bool Matches(FieldExpr expression, SpanRecord span, ExpressionShape shape)
    {
        if (!shape.ReadsEvents && !shape.ReadsLinks) return IsTrue(Execute(expression, new SpanContext(span)));
        var events = shape.ReadsEvents && span.Span.Events.Count > 0 ? span.Span.Events.Select(e => (Span.Types.Event?)e) : [null];
        var links = shape.ReadsLinks && span.Span.Links.Count > 0 ? span.Span.Links.Select(l => (Span.Types.Link?)l) : [null];
        foreach (var e in events)
        foreach (var l in links)
            if (IsTrue(Execute(expression, new SpanContext(span, e, l)))) return true;
        return false;
    }

    private static bool IsTrue(Static value) => value.Type == StaticType.Boolean && value.AsBool;

    private static Static Binary(BinaryExpr o, in SpanContext span)
    {
        var lhs = Execute(o.Lhs, span);
        if (lhs.Type == StaticType.Boolean)
        {
            if (o.Op == Op.And && !lhs.AsBool) return Static.False;
            if (o.Op == Op.Or && lhs.AsBool) return Static.True;
        }
        var rhs = Execute(o.Rhs, span);
        return BinaryStatic(o.Op, lhs, rhs, o);
    }

    /// <summary>A binary operation on two values (<paramref name="node"/> caches the compiled regexes).</summary>
    public static Static BinaryStatic(Op op, Static lhs, Static rhs, BinaryExpr? node)
    {
        if (!lhs.Type.IsMatchingOperand(rhs.Type) || !op.BinaryTypesValid(lhs.Type, rhs.Type)) return Static.False;
        if (lhs.Type == StaticType.String && rhs.Type == StaticType.String)
        {
            var l = lhs.AsString;
            var r = rhs.AsString;
            switch (op)
            {
                case Op.Greater: return Static.Bool(string.CompareOrdinal(l, r) > 0);
                case Op.GreaterEqual: return Static.Bool(string.CompareOrdinal(l, r) >= 0);
                case Op.Less: return Static.Bool(string.CompareOrdinal(l, r) < 0);
                case Op.LessEqual: return Static.Bool(string.CompareOrdinal(l, r) <= 0);
                case Op.Regex: return Static.Bool(RegexFor(node, 0, r).IsMatch(l));
                case Op.NotRegex: return Static.Bool(!RegexFor(node, 0, r).IsMatch(l));
            }
        }
        else if (lhs.Type == StaticType.Int && rhs.Type == StaticType.Int)
        {
            var l = lhs.AsInt;
            var r = rhs.AsInt;
            switch (op)
            {
                case Op.Add: return Static.Int(unchecked(l + r));
                case Op.Sub: return Static.Int(unchecked(l - r));
                case Op.Div: return r == 0 ? throw Failure("division by zero") : Static.Int(l == long.MinValue && r == -1 ? l : l / r);
                case Op.Mod: return r == 0 ? throw Failure("modulo by zero") : Static.Int(r == -1 ? 0 : l % r);
                case Op.Mult: return Static.Int(unchecked(l * r));
                case Op.Greater: return Static.Bool(l > r);
                case Op.GreaterEqual: return Static.Bool(l >= r);
                case Op.Less: return Static.Bool(l < r);
                case Op.LessEqual: return Static.Bool(l <= r);
                // Tempo computes int ^ int as intPow(rhs, lhs); kept for identical answers.
                case Op.Power: return Static.Int(SaturatingLong(Math.Pow(r, l)));
            }
        }
        else if (lhs.Type == StaticType.Boolean && rhs.Type == StaticType.Boolean)
        {
            switch (op)
            {
                case Op.And: return Static.Bool(lhs.AsBool && rhs.AsBool);
                case Op.Or: return Static.Bool(lhs.AsBool || rhs.AsBool);
            }
        }
        else if (lhs.Type.IsMatchingArrayElement(rhs.Type))
            return ArrayOperation(op, lhs, rhs, node);

        return op switch
        {
            Op.Add => Static.Float(lhs.AsFloat + rhs.AsFloat),
            Op.Sub => Static.Float(lhs.AsFloat - rhs.AsFloat),
            Op.Div => Static.Float(lhs.AsFloat / rhs.AsFloat),
            Op.Mod => Static.Float(lhs.AsFloat % rhs.AsFloat), // C#'s % is Go's math.Mod: the sign of the dividend
            Op.Mult => Static.Float(lhs.AsFloat * rhs.AsFloat),
            Op.Greater => Static.Bool(lhs.AsFloat > rhs.AsFloat),
            Op.GreaterEqual => Static.Bool(lhs.AsFloat >= rhs.AsFloat),
            Op.Less => Static.Bool(lhs.AsFloat < rhs.AsFloat),
            Op.LessEqual => Static.Bool(lhs.AsFloat <= rhs.AsFloat),
            Op.Power => Static.Float(Math.Pow(lhs.AsFloat, rhs.AsFloat)),
            Op.Equal => Static.Bool(lhs.EqualsValue(rhs)),
            Op.NotEqual => Static.Bool(lhs.NotEqualsValue(rhs)),
            _ => throw Failure("unexpected operator " + op.Text()),
        };
    }

    private static long SaturatingLong(double value) =>
        double.IsNaN(value) ? long.MinValue : value >= long.MaxValue ? long.MinValue : value <= long.MinValue ? long.MinValue : (long)value;

    /// <summary>An operation between a scalar and an array: IN / NOT IN, or =, != and regexes element-wise.</summary>
    private static Static ArrayOperation(Op op, Static lhs, Static rhs, BinaryExpr? node)
    {
        if (!op.IsBoolean()) throw Failure("unsupported operation on an array");
        if (lhs.IsArray && rhs.IsArray) throw Failure("array operators must consist of a scalar and an array operand");
        Op elementOp;
        Static array, scalar;
        var flip = false;
        if (op.IsArrayOp())
        {
            elementOp = op.ElementOp();
            (array, scalar) = (rhs, lhs);
            if (!array.IsArray) throw Failure("array operators require array on the right side");
        }
        else
        {
            (elementOp, array, scalar) = (op, rhs, lhs);
            if (scalar.IsArray)
            {
                elementOp = op.Flipped();
                (array, scalar) = (scalar, array);
                flip = elementOp is Op.Regex or Op.NotRegex;
            }
        }
        var matchAll = elementOp is Op.NotEqual or Op.NotRegex;
        int count = 0, matched = 0, index = 0;
        foreach (var element in array.Elements())
        {
            count++;
            var (l, r) = flip ? (element, scalar) : (scalar, element);
            var result = elementOp is Op.Regex or Op.NotRegex && l.Type == StaticType.String && r.Type == StaticType.String
                ? Static.Bool(RegexFor(node, index, r.AsString).IsMatch(l.AsString) == (elementOp == Op.Regex))
                : BinaryStatic(elementOp, l, r, null);
            index++;
            if (result.Type == StaticType.Boolean && result.AsBool)
            {
                matched++;
                if (!matchAll) break;
            }
        }
        return Static.Bool(matchAll ? matched == count : matched > 0);
    }

    private static Regex RegexFor(BinaryExpr? node, int index, string pattern)
    {
        if (node?.Regexes is { } compiled && index < compiled.Length) return compiled[index];
        return CompileRegex(pattern);
    }

    /// <summary>TraceQL regexes match the whole value (Prometheus semantics), in linear time.</summary>
    public static Regex CompileRegex(string pattern)
    {
        try
        {
            return UserRegex.CompileWhole(pattern, RegexOptions.Singleline);
        }
        catch (InvalidUserRegexException e)
        {
            throw new TraceQlException(TraceQlErrorKind.Validation, "invalid regex: " + e.Message);
        }
    }

    public static Static Unary(Op op, Static value)
    {
        switch (op)
        {
            case Op.Not:
                return value.Type == StaticType.Boolean ? Static.Bool(!value.AsBool) : throw Failure($"expected a boolean, but got {value.Type}");
            case Op.Sub:
                return value.Type switch
                {
                    StaticType.Int => Static.Int(unchecked(-value.AsInt)),
                    StaticType.Float => Static.Float(-value.AsFloat),
                    StaticType.Duration => Static.Duration(unchecked(-value.AsInt)),
                    _ => throw Failure($"expected a numeric, but got {value.Type}"),
                };
            case Op.Exists:
                return Static.Bool(value.Type != StaticType.Nil);
            case Op.NotExists:
                return Static.Bool(value.Type == StaticType.Nil);
        }
        throw Failure("invalid unary operator " + op.Text());
    }

    private static TraceQlException Failure(string detail) => new(TraceQlErrorKind.Validation, detail);

    // ---------- attribute lookup ----------

    public static Static Lookup(AttributeRef a, in SpanContext context)
    {
        var span = context.Span;
        switch (a.Scope)
        {
            case AttributeScope.Resource: return Find(span.Resource.Resource?.Attributes, a.Name);
            case AttributeScope.Span: return Find(span.Span.Attributes, a.Name);
            case AttributeScope.Event: return context.Event is { } e ? Find(e.Attributes, a.Name) : FirstOf(span.Span.Events.Select(x => x.Attributes), a.Name);
            case AttributeScope.Link: return context.Link is { } l ? Find(l.Attributes, a.Name) : FirstOf(span.Span.Links.Select(x => x.Attributes), a.Name);
            case AttributeScope.Instrumentation: return Find(span.Scope.Scope?.Attributes, a.Name);
        }
        if (a.Intrinsic != Intrinsic.None) return IntrinsicValue(a.Intrinsic, context);
        if (a.Parent) return Static.Nil;
        var value = Find(span.Span.Attributes, a.Name);
        if (value.IsNil) value = Find(span.Resource.Resource?.Attributes, a.Name);
        if (value.IsNil) value = context.Event is { } ev ? Find(ev.Attributes, a.Name) : FirstOf(span.Span.Events.Select(x => x.Attributes), a.Name);
        if (value.IsNil) value = context.Link is { } ln ? Find(ln.Attributes, a.Name) : FirstOf(span.Span.Links.Select(x => x.Attributes), a.Name);
        if (value.IsNil) value = Find(span.Scope.Scope?.Attributes, a.Name);
        return value;
    }

    private static Static IntrinsicValue(Intrinsic intrinsic, in SpanContext context)
    {
        var record = context.Span;
        var span = record.Span;
        switch (intrinsic)
        {
            case Intrinsic.Duration: return Static.Duration(record.DurationNanos);
            case Intrinsic.Name: return Static.String(span.Name);
            case Intrinsic.Status: return Static.Status(StatusOf(span));
            case Intrinsic.StatusMessage: return Static.String(span.Status?.Message ?? "");
            case Intrinsic.Kind: return Static.Kind((int)span.Kind);
            case Intrinsic.ChildCount: return Static.Int(record.ChildCount);
            case Intrinsic.TraceRootService: return record.Trace.HasRoot ? Static.String(record.Trace.RootService) : Static.Nil;
            case Intrinsic.TraceRootSpan: return record.Trace.HasRoot ? Static.String(record.Trace.RootName) : Static.Nil;
            case Intrinsic.TraceDuration: return Static.Duration(record.Trace.DurationNanos);
            case Intrinsic.NestedSetLeft: return Static.Int(record.NestedSetLeft);
            case Intrinsic.NestedSetRight: return Static.Int(record.NestedSetRight);
            case Intrinsic.NestedSetParent: return Static.Int(record.NestedSetParent);
            case Intrinsic.EventName:
                return context.Event is { } e ? Static.String(e.Name) : span.Events.Count > 0 ? Static.String(span.Events[0].Name) : Static.Nil;
            case Intrinsic.EventTimeSinceStart:
                var ev = context.Event ?? (span.Events.Count > 0 ? span.Events[0] : null);
                return ev is null ? Static.Nil : Static.Duration((long)ev.TimeUnixNano - (long)span.StartTimeUnixNano);
            case Intrinsic.LinkTraceId:
                var lt = context.Link ?? (span.Links.Count > 0 ? span.Links[0] : null);
                return lt is null ? Static.Nil : Static.String(Convert.ToHexStringLower(lt.TraceId.Span));
            case Intrinsic.LinkSpanId:
                var ls = context.Link ?? (span.Links.Count > 0 ? span.Links[0] : null);
                return ls is null ? Static.Nil : Static.String(Convert.ToHexStringLower(ls.SpanId.Span));
            case Intrinsic.InstrumentationName:
                return record.Scope.Scope is { } scope ? Static.String(scope.Name) : Static.Nil;
            case Intrinsic.InstrumentationVersion:
                return record.Scope.Scope is { } s ? Static.String(s.Version) : Static.Nil;
            case Intrinsic.TraceId: return Static.String(TrimmedHex(span.TraceId.Span));
            case Intrinsic.SpanId: return Static.String(Convert.ToHexStringLower(span.SpanId.Span));
            case Intrinsic.ParentId:
                return span.ParentSpanId.IsEmpty ? Static.Nil : Static.String(Convert.ToHexStringLower(span.ParentSpanId.Span));
            default: return Static.Nil;
        }
    }

    /// <summary>Trace ids compare without leading zeros (Tempo normalises both sides so).</summary>
    public static string TrimmedHex(ReadOnlySpan<byte> id) => Convert.ToHexStringLower(id).TrimStart('0');

    public static SpanStatus StatusOf(Span span) => span.Status?.Code switch
    {
        Status.Types.StatusCode.Error => SpanStatus.Error,
        Status.Types.StatusCode.Ok => SpanStatus.Ok,
        _ => SpanStatus.Unset,
    };

    private static Static FirstOf(IEnumerable<IEnumerable<KeyValue>> lists, string key)
    {
        foreach (var list in lists)
            if (Find(list, key) is { IsNil: false } value) return value;
        return Static.Nil;
    }

    private static Static Find(IEnumerable<KeyValue>? attributes, string key)
    {
        if (attributes is null) return Static.Nil;
        foreach (var attribute in attributes)
            if (attribute.Key == key) return FromAnyValue(attribute.Value);
        return Static.Nil;
    }

    /// <summary>An OTLP value as TraceQL types it; maps, bytes and mixed arrays are not comparable (nil).</summary>
    public static Static FromAnyValue(AnyValue? value) => value?.ValueCase switch
    {
        AnyValue.ValueOneofCase.StringValue => Static.String(value.StringValue),
        AnyValue.ValueOneofCase.BoolValue => Static.Bool(value.BoolValue),
        AnyValue.ValueOneofCase.IntValue => Static.Int(value.IntValue),
        AnyValue.ValueOneofCase.DoubleValue => Static.Float(value.DoubleValue),
        AnyValue.ValueOneofCase.ArrayValue => FromArray(value.ArrayValue.Values),
        _ => Static.Nil,
    };

    private static Static FromArray(IList<AnyValue> values)
    {
        if (values.Count == 0) return Static.Nil;
        var kind = values[0].ValueCase;
        if (values.Any(v => v.ValueCase != kind)) return Static.Nil;
        return kind switch
        {
            AnyValue.ValueOneofCase.StringValue => Static.StringArray(values.Select(v => v.StringValue).ToArray()),
            AnyValue.ValueOneofCase.BoolValue => Static.BoolArray(values.Select(v => v.BoolValue).ToArray()),
            AnyValue.ValueOneofCase.IntValue => Static.IntArray(values.Select(v => v.IntValue).ToArray()),
            AnyValue.ValueOneofCase.DoubleValue => Static.FloatArray(values.Select(v => v.DoubleValue).ToArray()),
            _ => Static.Nil,
        };
    }
}

/// <summary>What an expression reads beyond the span itself (events, links), found once per query.</summary>
public readonly record struct ExpressionShape(bool ReadsEvents, bool ReadsLinks)
{
    public static ExpressionShape Of(FieldExpr expression)
    {
        var attributes = AttributeRefs.In(expression).ToList();
        return new ExpressionShape(
            attributes.Any(a => a.Scope == AttributeScope.Event || a.Intrinsic is Intrinsic.EventName or Intrinsic.EventTimeSinceStart),
            attributes.Any(a => a.Scope == AttributeScope.Link || a.Intrinsic is Intrinsic.LinkSpanId or Intrinsic.LinkTraceId));
    }
}
