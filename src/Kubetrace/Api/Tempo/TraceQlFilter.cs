using System.Globalization;
using Kubetrace.Query;
using Kubetrace.Storage;

namespace Kubetrace.Api.Tempo;

/// <summary>
/// The subset of TraceQL that Grafana's search form produces: one spanset filter
/// <c>{ cond &amp;&amp; cond ... }</c> where a condition is <c>attribute op value</c>, the attribute
/// <c>span.x</c>, <c>resource.x</c>, <c>.x</c> or an intrinsic (<c>name status kind duration</c>, also as
/// <c>span:name</c> ...), op one of <c>= != &gt; &lt; &gt;= &lt;= =~</c>, the value a string, number, duration,
/// boolean, status or kind. Anything else is a 400 naming what is not supported yet (the full TraceQL engine is
/// a later issue).
/// </summary>
public sealed class TraceQlFilter
{
    private static readonly string[] Operators = [">=", "<=", "!=", "=~", "!~", "=", ">", "<"];
    private static readonly string[] Statuses = ["error", "ok", "unset"];
    private static readonly string[] Kinds = ["unspecified", "internal", "server", "client", "producer", "consumer"];

    private readonly string _text;
    private int _pos;

    private TraceQlFilter(string text) => _text = text;

    public static IReadOnlyList<QueryCondition> Parse(string text) => new TraceQlFilter(text).ParseFilter();

    private List<QueryCondition> ParseFilter()
    {
        var conditions = new List<QueryCondition>();
        Expect("{");
        SkipSpaces();
        if (TryTake("}")) return End(conditions);
        while (true)
        {
            conditions.Add(ParseCondition());
            SkipSpaces();
            if (TryTake("}")) return End(conditions);
            if (TryTake("&&")) continue;
            if (TryTake("||")) throw Unsupported("'||' (only && inside one { } is supported for now)");
            throw Error($"expected && or }} at column {_pos + 1}");
        }
    }

    private List<QueryCondition> End(List<QueryCondition> conditions)
    {
        SkipSpaces();
        if (_pos < _text.Length)
            throw Unsupported($"'{_text[_pos..].Trim()}' after the spanset filter (pipelines, structural operators and several filters come with the full TraceQL engine)");
        return conditions;
    }

    private QueryCondition ParseCondition()
    {
        SkipSpaces();
        var start = _pos;
        while (_pos < _text.Length && (char.IsLetterOrDigit(_text[_pos]) || _text[_pos] is '.' or '_' or '-' or ':' or '/'))
            _pos++;
        var attribute = _text[start.._pos];
        if (attribute.Length == 0) throw Error($"expected an attribute at column {start + 1}");
        SkipSpaces();
        var op = Operators.FirstOrDefault(o => string.CompareOrdinal(_text, _pos, o, 0, o.Length) == 0)
                 ?? throw Error($"expected an operator (= != > < >= <= =~) after {attribute} at column {_pos + 1}");
        _pos += op.Length;
        if (op == "!~") throw Unsupported("'!~'");
        SkipSpaces();
        var value = ParseValue(out var quoted);
        return ToCondition(attribute, op, value, quoted);
    }

    private string ParseValue(out bool quoted)
    {
        quoted = _pos < _text.Length && _text[_pos] == '"';
        if (quoted)
        {
            var sb = new System.Text.StringBuilder();
            for (_pos++; _pos < _text.Length; _pos++)
            {
                var c = _text[_pos];
                if (c == '"')
                {
                    _pos++;
                    return sb.ToString();
                }
                if (c == '\\' && _pos + 1 < _text.Length) c = _text[++_pos];
                sb.Append(c);
            }
            throw Error("unterminated string");
        }
        var start = _pos;
        while (_pos < _text.Length && (char.IsLetterOrDigit(_text[_pos]) || _text[_pos] is '.' or '-' or '+' or '_' or 'µ'))
            _pos++;
        if (_pos == start) throw Error($"expected a value at column {start + 1}");
        return _text[start.._pos];
    }

    private static QueryCondition ToCondition(string attribute, string op, string value, bool quoted)
    {
        var conditionOp = op switch
        {
            "=" => ConditionOp.Equal,
            "!=" => ConditionOp.NotEqual,
            ">" => ConditionOp.Greater,
            "<" => ConditionOp.Less,
            ">=" => ConditionOp.GreaterOrEqual,
            "<=" => ConditionOp.LessOrEqual,
            _ => ConditionOp.Regex,
        };
        var intrinsic = attribute.StartsWith("span:", StringComparison.Ordinal) ? attribute[5..] : attribute;
        switch (intrinsic)
        {
            case "name":
                return new Condition(AttributeScope.Intrinsic, "name", conditionOp, value);
            case "status":
                return new Condition(AttributeScope.Intrinsic, "status", conditionOp, Keyword(value, quoted, Statuses, "status"));
            case "kind":
                return new Condition(AttributeScope.Intrinsic, "kind", conditionOp, Keyword(value, quoted, Kinds, "kind"));
            case "duration":
                if (quoted || !GoText.TryParseDuration(value, out var duration, out var error))
                    throw Error($"duration needs a duration value such as 100ms, got {value}");
                return new Condition(AttributeScope.Intrinsic, "duration", conditionOp,
                    (duration.Ticks * 100).ToString(CultureInfo.InvariantCulture));
        }
        if (attribute == "resource.service.name")
            return new Condition(AttributeScope.Intrinsic, "service", conditionOp, value);
        if (attribute.StartsWith("resource.", StringComparison.Ordinal))
            return new Condition(AttributeScope.Resource, attribute[9..], conditionOp, value);
        if (attribute.StartsWith("span.", StringComparison.Ordinal))
            return new Condition(AttributeScope.Span, attribute[5..], conditionOp, value);
        if (attribute.StartsWith('.') && attribute.Length > 1)
            return new Condition(AttributeScope.Any, attribute[1..], conditionOp, value);
        throw Unsupported($"attribute '{attribute}' (use span.x, resource.x, .x, name, status, kind or duration)");
    }

    private static string Keyword(string value, bool quoted, string[] allowed, string what)
    {
        if (quoted || !allowed.Contains(value))
            throw Error($"{what} must be one of {string.Join(", ", allowed)}, got {(quoted ? $"\"{value}\"" : value)}");
        return value;
    }

    private void Expect(string token)
    {
        SkipSpaces();
        if (!TryTake(token)) throw Error($"expected '{token}' at column {_pos + 1}");
    }

    private bool TryTake(string token)
    {
        if (string.CompareOrdinal(_text, _pos, token, 0, token.Length) != 0) return false;
        _pos += token.Length;
        return true;
    }

    private void SkipSpaces()
    {
        while (_pos < _text.Length && char.IsWhiteSpace(_text[_pos])) _pos++;
    }

    private static BadQueryException Error(string detail) => new($"invalid TraceQL query: {detail}");

    private static BadQueryException Unsupported(string what) => new($"unsupported TraceQL: {what} is not supported yet");
}
