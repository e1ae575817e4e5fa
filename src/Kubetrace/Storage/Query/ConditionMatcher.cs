using System.Globalization;
using System.Text.RegularExpressions;
using Kubetrace.Query;
using Kubetrace.Storage.Model;

namespace Kubetrace.Storage.Query;

/// <summary>
/// One condition prepared for evaluation: the regex compiled and the operand parsed once. The same code decides
/// for head rows, block rows and block dictionaries (index lookups), so every path agrees.
/// </summary>
internal sealed class ConditionMatcher
{
    private static readonly string[] KindNames = ["unspecified", "internal", "server", "client", "producer", "consumer"];
    private static readonly string[] StatusNames = ["unset", "ok", "error"];

    private readonly Regex? _regex;
    private readonly double? _number;

    public ConditionMatcher(Condition condition)
    {
        Condition = condition;
        Intrinsic = condition.Intrinsic;
        if (condition.Op == ConditionOp.Regex)
            _regex = UserRegex.CompileWhole(condition.Value ?? ""); // linear time; an invalid pattern is a 400
        if (double.TryParse(condition.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
            _number = number;
    }

    public Condition Condition { get; }
    public Intrinsic Intrinsic { get; }

    public static string KindName(int kind) => kind < KindNames.Length ? KindNames[kind] : kind.ToString(CultureInfo.InvariantCulture);

    public static string StatusName(int code) => code < StatusNames.Length ? StatusNames[code] : code.ToString(CultureInfo.InvariantCulture);

    /// <summary>Does the value (null: attribute absent) satisfy the condition?</summary>
    public bool Test(string? text)
    {
        if (text is null) return false;
        var operand = Condition.Value ?? "";
        return Condition.Op switch
        {
            ConditionOp.Exists => true,
            ConditionOp.Equal => text == operand,
            ConditionOp.NotEqual => text != operand,
            ConditionOp.Regex => _regex!.IsMatch(text),
            _ => Compare(text) is { } c && Condition.Op switch
            {
                ConditionOp.Less => c < 0,
                ConditionOp.LessOrEqual => c <= 0,
                ConditionOp.Greater => c > 0,
                _ => c >= 0,
            },
        };
    }

    public bool TestNumber(long value)
    {
        if (Condition.Op == ConditionOp.Exists) return true;
        if (_number is not { } operand) return Test(value.ToString(CultureInfo.InvariantCulture));
        return Condition.Op switch
        {
            ConditionOp.Equal => value == operand,
            ConditionOp.NotEqual => value != operand,
            ConditionOp.Less => value < operand,
            ConditionOp.LessOrEqual => value <= operand,
            ConditionOp.Greater => value > operand,
            ConditionOp.GreaterOrEqual => value >= operand,
            _ => Test(value.ToString(CultureInfo.InvariantCulture)),
        };
    }

    /// <summary>Evaluates the condition on one span row.</summary>
    public bool Matches(SpanTable table, int row)
    {
        switch (Intrinsic)
        {
            case Intrinsic.Service: return Test(table.Service(row));
            case Intrinsic.Name: return Test(table.Name(row));
            case Intrinsic.Kind: return Test(KindName(table.Kind(row)));
            case Intrinsic.Status: return Test(StatusName(table.StatusCode(row)));
            case Intrinsic.Duration: return TestNumber(table.Duration(row));
            case Intrinsic.EventName:
                // Only a row with extras has events: the others are decided without reading anything.
                var extra = table.Extra.Items[row];
                return extra >= 0 && Blocks.ExtraKeys.AnyEventName(table.ExtraData.Items[extra].Span, name => Test(name));
        }
        if (Condition.Scope == AttributeScope.Intrinsic) return false;
        if (Condition.Scope != AttributeScope.Resource && MatchesSpanAttribute(table, row)) return true;
        if (Condition.Scope == AttributeScope.Span) return false;
        var resource = table.Dictionaries.Resources[table.Resources.Items[row]];
        foreach (var attribute in resource.Attributes)
            if (attribute.Key == Condition.Key && Test(attribute.Value)) return true;
        return false;
    }

    private bool MatchesSpanAttribute(SpanTable table, int row)
    {
        var (start, end) = table.AttrRange(row);
        var keys = table.AttrKeys.Items;
        var strings = table.Dictionaries.Strings;
        for (var i = start; i < end; i++)
        {
            if (strings[keys[i]] != Condition.Key) continue;
            if (Test(table.ValueText(table.AttrValues.Items[i]))) return true;
        }
        return false;
    }

    private int? Compare(string text)
    {
        if (_number is { } operand &&
            double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            return value.CompareTo(operand);
        return string.CompareOrdinal(text, Condition.Value);
    }
}
