using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Kubetrace.Otlp.Proto.Common;
using Kubetrace.Processors.AttributeActions;

namespace Kubetrace.Processors.Ottl;

/// <summary>
/// Compiled statements and conditions of one context. Compiling checks every argument (types, regexes) so that a
/// configuration error names the statement at load time, never at run time.
/// </summary>
internal sealed class OttlProgram
{
    private readonly Dictionary<string, Regex> _regexes = new(StringComparer.Ordinal);

    private OttlProgram(OttlContext context) => Context = context;

    public OttlContext Context { get; }

    public IReadOnlyList<Statement> Statements { get; private init; } = [];

    public IReadOnlyList<Expr> Conditions { get; private init; } = [];

    public static OttlProgram ForStatements(IEnumerable<string> statements, OttlContext context)
    {
        var parsed = statements.Select(s => OttlParser.ParseStatement(s, context)).ToList();
        var program = new OttlProgram(context) { Statements = parsed };
        foreach (var statement in parsed) program.Check(statement);
        return program;
    }

    public static OttlProgram ForConditions(IEnumerable<string> conditions, OttlContext context)
    {
        var program = new OttlProgram(context) { Conditions = conditions.Select(c => OttlParser.ParseCondition(c, context)).ToList() };
        foreach (var condition in program.Conditions) program.CheckExpr(condition, "condition");
        return program;
    }

    /// <summary>True when any condition holds (filter semantics).</summary>
    public bool AnyCondition(OttlView view)
    {
        foreach (var condition in Conditions)
            if (IsTrue(condition, view)) return true;
        return false;
    }

    public void Execute(OttlView view)
    {
        foreach (var statement in Statements)
            if (statement.Condition is null || IsTrue(statement.Condition, view)) Run(statement.Editor, view);
    }

    private void Check(Statement statement)
    {
        var call = statement.Editor;
        var (min, max) = call.Function switch
        {
            "set" => (2, 2),
            "delete_key" => (2, 2),
            "replace_pattern" => (3, 3),
            "replace_all_patterns" => (4, 4),
            "truncate_all" => (2, 2),
            _ => (2, 3), // limit
        };
        if (call.Arguments.Count < min || call.Arguments.Count > max)
            throw new OttlException($"{call.Function} takes {(min == max ? min.ToString() : $"{min} to {max}")} arguments, got {call.Arguments.Count} in statement \"{statement.Text}\"");
        if (call.Arguments[0] is not PathExpr target)
            throw new OttlException($"the first argument of {call.Function} must be a path in statement \"{statement.Text}\"");
        var wantsMap = call.Function is "delete_key" or "replace_all_patterns" or "truncate_all" or "limit";
        if (wantsMap != target.Path.IsMap)
            throw new OttlException($"{call.Function} needs {(wantsMap ? "a map such as attributes" : "a single value such as attributes[\"key\"]")} as its first argument in statement \"{statement.Text}\"");
        if (Context == OttlContext.Span && target.Path.Target == PathTarget.ResourceAttributes)
            throw new OttlException($"resource.attributes can only be changed by statements in the resource context, in statement \"{statement.Text}\"");
        if (target.Path.Target == PathTarget.Duration)
            throw new OttlException($"duration is read-only, in statement \"{statement.Text}\"");
        if (call.Function is "replace_pattern") CompileRegex(call.Arguments[1], statement.Text);
        if (call.Function is "replace_all_patterns")
        {
            if (call.Arguments[1] is not LiteralExpr { Value: "key" or "value" })
                throw new OttlException($"replace_all_patterns' mode must be \"key\" or \"value\" in statement \"{statement.Text}\"");
            CompileRegex(call.Arguments[2], statement.Text);
        }
        if (call.Function is "truncate_all" or "limit" && call.Arguments[1] is not LiteralExpr { Value: long and >= 0 })
            throw new OttlException($"{call.Function} needs a non-negative integer limit in statement \"{statement.Text}\"");
        foreach (var argument in call.Arguments.Skip(1)) CheckExpr(argument, statement.Text);
        if (statement.Condition is not null) CheckExpr(statement.Condition, statement.Text);
    }

    private void CheckExpr(Expr expr, string text)
    {
        switch (expr)
        {
            case CallExpr { Function: "IsMatch" } call:
                if (call.Arguments.Count != 2) throw new OttlException($"IsMatch takes 2 arguments in \"{text}\"");
                CompileRegex(call.Arguments[1], text);
                CheckExpr(call.Arguments[0], text);
                break;
            case CallExpr { Function: "SHA256" } call:
                if (call.Arguments.Count != 1) throw new OttlException($"SHA256 takes 1 argument in \"{text}\"");
                CheckExpr(call.Arguments[0], text);
                break;
            case CallExpr call:
                throw new OttlException($"{call.Function} is an editor and cannot be used as a value in \"{text}\"");
            case CompareExpr compare:
                CheckExpr(compare.Left, text);
                CheckExpr(compare.Right, text);
                break;
            case AndExpr and:
                CheckExpr(and.Left, text);
                CheckExpr(and.Right, text);
                break;
            case OrExpr or:
                CheckExpr(or.Left, text);
                CheckExpr(or.Right, text);
                break;
            case NotExpr not:
                CheckExpr(not.Operand, text);
                break;
        }
    }

    private Regex CompileRegex(Expr expr, string text)
    {
        if (expr is not LiteralExpr { Value: string pattern })
            throw new OttlException($"a regular expression must be a string literal in \"{text}\"");
        if (_regexes.TryGetValue(pattern, out var regex)) return regex;
        return _regexes[pattern] = CollectorRegex.Problem(pattern) is { } problem
            ? throw new OttlException($"{problem} in \"{text}\"")
            : CollectorRegex.Compile(pattern);
    }

    private bool IsTrue(Expr expr, OttlView view) => expr switch
    {
        AndExpr and => IsTrue(and.Left, view) && IsTrue(and.Right, view),
        OrExpr or => IsTrue(or.Left, view) || IsTrue(or.Right, view),
        NotExpr not => !IsTrue(not.Operand, view),
        CompareExpr compare => Compare(Value(compare.Left, view), compare.Operator, Value(compare.Right, view)),
        _ => Value(expr, view) is true,
    };

    private object? Value(Expr expr, OttlView view) => expr switch
    {
        LiteralExpr literal => literal.Value,
        PathExpr path => view.Get(path.Path),
        CallExpr { Function: "IsMatch" } call => StringLike(Value(call.Arguments[0], view)) is { } s && _regexes[(string)((LiteralExpr)call.Arguments[1]).Value!].IsMatch(s),
        CallExpr { Function: "SHA256" } call => Value(call.Arguments[0], view) is { } v ? AttributeActionList.Sha256(AttributeValues.AsString(OttlView.Wrap(v))) : null,
        _ => IsTrue(expr, view),
    };

    /// <summary>OTTL comparison: numbers across int and float, strings ordinally, bools and nil by equality; other
    /// mixes are simply not equal.</summary>
    private static bool Compare(object? left, string op, object? right)
    {
        int? order = (left, right) switch
        {
            (long a, long b) => a.CompareTo(b),
            (long a, double b) => ((double)a).CompareTo(b),
            (double a, long b) => a.CompareTo(b),
            (double a, double b) => a.CompareTo(b),
            (string a, string b) => string.CompareOrdinal(a, b),
            (bool a, bool b) when op is "==" or "!=" => a == b ? 0 : 1,
            (null, null) => 0,
            _ => null,
        };
        return op switch
        {
            "==" => order == 0,
            "!=" => order != 0,
            "<" => order < 0,
            "<=" => order <= 0,
            ">" => order > 0,
            ">=" => order >= 0,
            _ => false,
        };
    }

    private void Run(CallExpr call, OttlView view)
    {
        var path = ((PathExpr)call.Arguments[0]).Path;
        switch (call.Function)
        {
            case "set":
                view.Set(path, Value(call.Arguments[1], view));
                break;
            case "delete_key" when Value(call.Arguments[1], view) is string key && OttlView.IndexOf(view.Map(path), key) >= 0:
                var map = view.EditableMap(path);
                map.RemoveAt(OttlView.IndexOf(map, key));
                break;
            case "replace_pattern" when view.Get(path) is string text:
                var regex = _regexes[(string)((LiteralExpr)call.Arguments[1]).Value!];
                if (regex.IsMatch(text)) view.Set(path, regex.Replace(text, AsString(Value(call.Arguments[2], view))));
                break;
            case "replace_all_patterns":
                ReplaceAll(view, path, (string)((LiteralExpr)call.Arguments[1]).Value! == "key",
                    _regexes[(string)((LiteralExpr)call.Arguments[2]).Value!], AsString(Value(call.Arguments[3], view)));
                break;
            case "truncate_all":
                var limit = (int)Math.Min(int.MaxValue, (long)((LiteralExpr)call.Arguments[1]).Value!);
                for (var i = 0; i < view.Map(path).Count; i++)
                    if (view.Map(path)[i].Value is { ValueCase: AnyValue.ValueOneofCase.StringValue } value && Utf8Prefix(value.StringValue, limit) is { } cut)
                        view.EditableMap(path)[i] = new KeyValue { Key = view.Map(path)[i].Key, Value = new AnyValue { StringValue = cut } };
                break;
            case "limit":
                Limit(view, path, (int)Math.Min(int.MaxValue, (long)((LiteralExpr)call.Arguments[1]).Value!),
                    call.Arguments.Count > 2 && ((LiteralExpr)call.Arguments[2]).Value is List<string> keys ? keys : []);
                break;
        }
    }

    private static void ReplaceAll(OttlView view, OttlPath path, bool keys, Regex regex, string replacement)
    {
        for (var i = 0; i < view.Map(path).Count; i++)
        {
            var attribute = view.Map(path)[i];
            if (keys && regex.IsMatch(attribute.Key))
                view.EditableMap(path)[i] = new KeyValue { Key = regex.Replace(attribute.Key, replacement), Value = attribute.Value };
            else if (!keys && attribute.Value?.ValueCase == AnyValue.ValueOneofCase.StringValue && regex.IsMatch(attribute.Value.StringValue))
                view.EditableMap(path)[i] = new KeyValue { Key = attribute.Key, Value = new AnyValue { StringValue = regex.Replace(attribute.Value.StringValue, replacement) } };
        }
    }

    /// <summary>
    /// The Collector's truncate_all: at most <paramref name="limit"/> bytes of the UTF-8 text, backed up to the start
    /// of a character (its utf8_safe default); null when the text fits.
    /// </summary>
    private static string? Utf8Prefix(string text, int limit)
    {
        if (text.Length <= limit / 3 || Encoding.UTF8.GetByteCount(text) <= limit) return null;
        int bytes = 0, chars = 0;
        while (chars < text.Length)
        {
            Rune.DecodeFromUtf16(text.AsSpan(chars), out var rune, out var consumed);
            if (bytes + rune.Utf8SequenceLength > limit) break;
            bytes += rune.Utf8SequenceLength;
            chars += consumed;
        }
        return text[..chars];
    }

    /// <summary>limit: keeps at most <paramref name="limit"/> attributes, the priority keys first, then in order.</summary>
    private static void Limit(OttlView view, OttlPath path, int limit, List<string> priority)
    {
        var map = view.Map(path);
        if (map.Count <= limit) return;
        var kept = map.Where(a => priority.Contains(a.Key)).Take(limit).ToList();
        kept.AddRange(map.Where(a => !priority.Contains(a.Key)).Take(limit - kept.Count));
        var keptSet = kept.ToHashSet(ReferenceEqualityComparer.Instance);
        var editable = view.EditableMap(path);
        for (var i = editable.Count - 1; i >= 0; i--)
            if (!keptSet.Contains(editable[i])) editable.RemoveAt(i);
    }

    private static string AsString(object? value) => value is null ? "" : AttributeValues.AsString(OttlView.Wrap(value));

    /// <summary>
    /// The text a StringLikeGetter sees (IsMatch's target): strings as they are, integers in decimal, floats in Go's
    /// shortest plain form, booleans as true/false, other values as their AsString; nil stays nil (no match).
    /// </summary>
    private static string? StringLike(object? value) => value switch
    {
        null => null,
        string s => s,
        double d => GoPlainFloat(d),
        _ => AsString(value),
    };

    /// <summary>Go's strconv.FormatFloat(d, 'f', -1, 64): the shortest digits that read back as d, never an exponent.</summary>
    private static string GoPlainFloat(double d)
    {
        if (double.IsNaN(d)) return "NaN";
        if (double.IsInfinity(d)) return d > 0 ? "+Inf" : "-Inf";
        var shortest = d.ToString("R", CultureInfo.InvariantCulture);
        if (!shortest.Contains('E')) return shortest;
        return Math.Abs(d) >= 1 ? d.ToString("F0", CultureInfo.InvariantCulture) : ((decimal)d).ToString(CultureInfo.InvariantCulture);
    }
}
