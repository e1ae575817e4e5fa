using System.Globalization;

namespace Kubetrace.Query.TraceQl;

/// <summary>TraceQL value types (Tempo's StaticType); <see cref="Attribute"/> means "known only per span".</summary>
public enum StaticType
{
    Nil, Spanset, Attribute, Int, Float, String, Boolean, IntArray, FloatArray, StringArray, BooleanArray, Duration, Status, Kind,
}

/// <summary>Span status as TraceQL numbers it (not OTLP's codes): error 0, ok 1, unset 2.</summary>
public enum SpanStatus { Error = 0, Ok = 1, Unset = 2 }

/// <summary>
/// A typed TraceQL value. Comparisons follow Tempo (pkg/traceql/ast.go): types are strict (the string "500" is not
/// the integer 500), numbers of different kinds compare as floats, nil equals nothing.
/// </summary>
public readonly struct Static
{
    private readonly long _scalar;
    private readonly double _float;
    private readonly object? _ref;

    private Static(StaticType type, long scalar = 0, double f = 0, object? reference = null)
    {
        Type = type;
        _scalar = scalar;
        _float = f;
        _ref = reference;
    }

    public StaticType Type { get; }

    public static readonly Static Nil = new(StaticType.Nil);
    public static readonly Static True = Bool(true);
    public static readonly Static False = Bool(false);

    public static Static Int(long value) => new(StaticType.Int, value);
    public static Static Float(double value) => new(StaticType.Float, f: value);
    public static Static String(string value) => new(StaticType.String, reference: value);
    public static Static Bool(bool value) => new(StaticType.Boolean, value ? 1 : 0);
    public static Static Duration(long nanos) => new(StaticType.Duration, nanos);
    public static Static Status(SpanStatus status) => new(StaticType.Status, (long)status);
    public static Static Kind(int otlpKind) => new(StaticType.Kind, otlpKind);
    public static Static IntArray(long[] values) => new(StaticType.IntArray, reference: values);
    public static Static FloatArray(double[] values) => new(StaticType.FloatArray, reference: values);
    public static Static StringArray(string[] values) => new(StaticType.StringArray, reference: values);
    public static Static BoolArray(bool[] values) => new(StaticType.BooleanArray, reference: values);

    public bool IsNil => Type == StaticType.Nil;

    public bool IsNumeric => Type is StaticType.Int or StaticType.Float or StaticType.Duration;

    public bool IsArray => Type is StaticType.IntArray or StaticType.FloatArray or StaticType.StringArray or StaticType.BooleanArray;

    public long AsInt => _scalar;

    public bool AsBool => _scalar != 0;

    public string AsString => _ref as string ?? "";

    /// <summary>The number as a float (durations in nanoseconds), as Tempo's Static.Float().</summary>
    public double AsFloat => Type switch
    {
        StaticType.Float => _float,
        StaticType.Int or StaticType.Duration or StaticType.Status or StaticType.Kind or StaticType.Boolean => _scalar,
        _ => double.NaN,
    };

    public object? ArrayValue => _ref;

    /// <summary>Each element of an array, or the value itself.</summary>
    public IEnumerable<Static> Elements()
    {
        switch (_ref)
        {
            case long[] ints: foreach (var i in ints) yield return Int(i); break;
            case double[] floats: foreach (var f in floats) yield return Float(f); break;
            case string[] strings: foreach (var s in strings) yield return String(s); break;
            case bool[] bools: foreach (var b in bools) yield return Bool(b); break;
            default: yield return this; break;
        }
    }

    /// <summary>Tempo's Equals: ints and durations by value, status also against ints, floats numerically.</summary>
    public bool EqualsValue(Static other)
    {
        if (Type == StaticType.Nil || other.Type == StaticType.Nil) return false;
        switch (Type)
        {
            case StaticType.Int or StaticType.Duration:
                return other.Type switch
                {
                    StaticType.Int or StaticType.Duration => _scalar == other._scalar,
                    StaticType.Status => Type == StaticType.Int && _scalar == other._scalar,
                    StaticType.Float => _scalar == other._float,
                    _ => false,
                };
            case StaticType.Status:
                return other.Type is StaticType.Int or StaticType.Status && _scalar == other._scalar;
            case StaticType.Float:
                return _float == other.AsFloat;
            case StaticType.Kind or StaticType.Boolean:
                return Type == other.Type && _scalar == other._scalar;
            case StaticType.String:
                return other.Type == StaticType.String && AsString == other.AsString;
            default:
                return Type == other.Type && ArraysEqual(_ref, other._ref);
        }
    }

    public bool NotEqualsValue(Static other) => Type != StaticType.Nil && other.Type != StaticType.Nil && !EqualsValue(other);

    private static bool ArraysEqual(object? a, object? b) => (a, b) switch
    {
        (long[] x, long[] y) => x.AsSpan().SequenceEqual(y),
        (double[] x, double[] y) => x.AsSpan().SequenceEqual(y),
        (string[] x, string[] y) => x.SequenceEqual(y),
        (bool[] x, bool[] y) => x.AsSpan().SequenceEqual(y),
        _ => false,
    };

    /// <summary>Ordering for min/max aggregates (Tempo's compare).</summary>
    public int CompareTo(Static other)
    {
        if (Type != other.Type)
            return IsNumeric && other.IsNumeric ? AsFloat.CompareTo(other.AsFloat) : Type.CompareTo(other.Type);
        return Type switch
        {
            StaticType.String => string.CompareOrdinal(AsString, other.AsString),
            StaticType.Float => _float.CompareTo(other._float),
            StaticType.Nil => 0,
            _ when IsArray => 0,
            _ => _scalar.CompareTo(other._scalar),
        };
    }

    /// <summary>A key for grouping by value (<c>by()</c>, metrics series).</summary>
    public (StaticType, long, double, string?) GroupKey => (Type == StaticType.Duration ? StaticType.Int : Type, _scalar, _float,
        _ref as string ?? (_ref is null ? null : ToString()));

    /// <summary>Tempo's canonical text: strings in backticks, durations as Go prints them, floats with a point.</summary>
    public override string ToString() => Encode(quotes: true);

    public string Encode(bool quotes) => Type switch
    {
        StaticType.Nil => "nil",
        StaticType.Int => _scalar.ToString(CultureInfo.InvariantCulture),
        StaticType.Float => GoFloat.FormatWithPoint(_float),
        StaticType.String => quotes ? "`" + AsString + "`" : AsString,
        StaticType.Boolean => AsBool ? "true" : "false",
        StaticType.Duration => TraceQlDuration.Format(_scalar),
        StaticType.Status => ((SpanStatus)_scalar) switch
        {
            SpanStatus.Error => "error", SpanStatus.Ok => "ok", SpanStatus.Unset => "unset", _ => $"status({_scalar})",
        },
        StaticType.Kind => KindName((int)_scalar),
        StaticType.IntArray => "[" + string.Join(", ", ((long[])_ref!).Select(i => i.ToString(CultureInfo.InvariantCulture))) + "]",
        StaticType.FloatArray => "[" + string.Join(", ", ((double[])_ref!).Select(GoFloat.Format)) + "]",
        StaticType.StringArray => "[" + string.Join(", ", ((string[])_ref!).Select(s => "`" + s + "`")) + "]",
        StaticType.BooleanArray => "[" + string.Join(", ", ((bool[])_ref!).Select(b => b ? "true" : "false")) + "]",
        _ => $"static({(int)Type})",
    };

    public static string KindName(int kind) => kind switch
    {
        0 => "unspecified", 1 => "internal", 2 => "server", 3 => "client", 4 => "producer", 5 => "consumer", _ => $"kind({kind})",
    };

    /// <summary>Two scalars into an array (for the OR → IN rewrite); false when their types differ.</summary>
    public bool TryAppend(Static other, out Static array)
    {
        array = Nil;
        var elementType = ElementType(Type);
        if (elementType == StaticType.Nil || elementType != ElementType(other.Type)) return false;
        var all = Elements().Concat(other.Elements()).ToList();
        array = elementType switch
        {
            StaticType.Int => IntArray(all.Select(e => e.AsInt).ToArray()),
            StaticType.Float => FloatArray(all.Select(e => e.AsFloat).ToArray()),
            StaticType.String => StringArray(all.Select(e => e.AsString).ToArray()),
            _ => BoolArray(all.Select(e => e.AsBool).ToArray()),
        };
        return true;
    }

    private static StaticType ElementType(StaticType t) => t switch
    {
        StaticType.Int or StaticType.IntArray => StaticType.Int,
        StaticType.Float or StaticType.FloatArray => StaticType.Float,
        StaticType.String or StaticType.StringArray => StaticType.String,
        StaticType.Boolean or StaticType.BooleanArray => StaticType.Boolean,
        _ => StaticType.Nil,
    };
}

/// <summary>Go's <c>strconv.FormatFloat(f, 'g', -1, 64)</c>, which TraceQL's canonical form uses.</summary>
public static class GoFloat
{
    public static string Format(double value)
    {
        if (double.IsNaN(value)) return "NaN";
        if (double.IsPositiveInfinity(value)) return "+Inf";
        if (double.IsNegativeInfinity(value)) return "-Inf";
        if (value == 0) return double.IsNegative(value) ? "-0" : "0";
        // Shortest round-trip digits: "R" gives them, then re-layout Go's way.
        var shortest = value.ToString("R", CultureInfo.InvariantCulture);
        var negative = shortest.StartsWith('-');
        if (negative) shortest = shortest[1..];
        string digits;
        int exponent; // value = 0.digits * 10^(exponent+1) i.e. first digit at 10^exponent
        var ePos = shortest.IndexOfAny(['E', 'e']);
        var mantissa = ePos >= 0 ? shortest[..ePos] : shortest;
        var exp10 = ePos >= 0 ? int.Parse(shortest[(ePos + 1)..], CultureInfo.InvariantCulture) : 0;
        var dot = mantissa.IndexOf('.');
        var intPart = dot >= 0 ? mantissa[..dot] : mantissa;
        var fracPart = dot >= 0 ? mantissa[(dot + 1)..] : "";
        var all = (intPart + fracPart).TrimStart('0');
        var leadingZeros = (intPart + fracPart).Length - all.Length;
        exponent = intPart.Length - 1 - leadingZeros + exp10;
        digits = all.TrimEnd('0');
        if (digits.Length == 0) digits = "0";
        string body;
        if (exponent < -4 || exponent >= 6) // Go: shortest %g switches to an exponent from 1e6
        {
            var m = digits.Length > 1 ? digits[0] + "." + digits[1..] : digits;
            body = m + "e" + (exponent < 0 ? "-" : "+") + Math.Abs(exponent).ToString("00", CultureInfo.InvariantCulture);
        }
        else if (exponent < 0) body = "0." + new string('0', -exponent - 1) + digits;
        else if (digits.Length <= exponent + 1) body = digits + new string('0', exponent + 1 - digits.Length);
        else body = digits[..(exponent + 1)] + "." + digits[(exponent + 1)..];
        return negative ? "-" + body : body;
    }

    /// <summary><see cref="Format"/> with ".0" added to whole numbers, so a float never reads as an int.</summary>
    public static string FormatWithPoint(double value)
    {
        var text = Format(value);
        return text.AsSpan().IndexOfAny('e', '.') >= 0 || text.Contains("Inf") || text == "NaN" ? text : text + ".0";
    }
}
