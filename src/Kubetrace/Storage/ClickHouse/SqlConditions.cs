using System.Globalization;
using Kubetrace.Storage.Query;

namespace Kubetrace.Storage.ClickHouse;

/// <summary>
/// Pushes a fetch's conditions down to a WHERE clause. Every condition becomes SQL that holds for at least the
/// spans it matches; where that SQL is exactly the condition (equality on text, existence, intrinsics), the
/// fetch can trust ClickHouse's answer, otherwise the store re-checks the spans (<see cref="StoredSpanFilter"/>).
/// Regexes and comparisons of attributes only test existence in SQL: their semantics (.NET's linear-time regex,
/// numbers compared as numbers) are the engine's, not ClickHouse's.
/// </summary>
internal static class SqlConditions
{
    private static readonly string[] KindNames = ["unspecified", "internal", "server", "client", "producer", "consumer"];
    private static readonly string[] StatusNames = ["unset", "ok", "error"];

    /// <returns>The clause, and whether it selects exactly the spans the conditions match.</returns>
    /// <param name="resources">Where the resources table is read (<see cref="ClickHouseSchema.OnEveryShardAtOnce"/>).</param>
    public static (string Clause, bool Exact) Where(IReadOnlyList<Condition> conditions, bool all, string resources)
    {
        if (conditions.Count == 0) return ("1", true);
        var parts = conditions.Select(c => ToSql(c, resources)).ToList();
        var exact = parts.All(p => p.Exact);
        if (all)
        {
            var pushed = parts.Where(p => p.Clause != "1").Select(p => "(" + p.Clause + ")").ToList();
            return (pushed.Count == 0 ? "1" : string.Join(" AND ", pushed), exact);
        }
        // Any: one condition that cannot be pushed down makes every span a candidate.
        if (parts.Any(p => p.Clause == "1")) return ("1", exact && parts.All(p => p.Exact));
        return (string.Join(" OR ", parts.Select(p => "(" + p.Clause + ")")), exact);
    }

    /// <summary>
    /// Spans that carry every key somewhere (<see cref="FetchRequest.AnywhereKeys"/>): among their attributes, their
    /// resource's, or inside the OTLP bytes of their scope and extra (events, links), found as an encoded
    /// KeyValue key (field 1, its length, its UTF-8 bytes). Holds for at least those spans; "1" without keys.
    /// </summary>
    public static string AnywhereKeys(IReadOnlyList<string> keys, string resources)
    {
        if (keys.Count == 0) return "1";
        return string.Join(" AND ", keys.Select(key =>
        {
            var literal = Sql.String(key);
            var needle = $"unhex('{EncodedKey(key)}')";
            return $"({PromotedAttributes.SpanHasSql(key)} OR {OnResource($"has(res_keys, {literal})", resources)} OR position(extra, {needle}) > 0 OR position(scope, {needle}) > 0)";
        }));
    }

    private static string EncodedKey(string key) => Encoded(1, key);

    /// <summary>A length-delimited protobuf field with <paramref name="text"/> as its value, in hex.</summary>
    private static string Encoded(int field, string text)
    {
        var key = text;
        var bytes = new List<byte> { (byte)(field << 3 | 2) };
        var utf8 = System.Text.Encoding.UTF8.GetBytes(key);
        for (var length = (uint)utf8.Length; ; length >>= 7)
        {
            if (length < 0x80)
            {
                bytes.Add((byte)length);
                break;
            }
            bytes.Add((byte)(length & 0x7F | 0x80));
        }
        bytes.AddRange(utf8);
        return Convert.ToHexString(bytes.ToArray());
    }

    private static (string Clause, bool Exact) ToSql(Condition condition, string resources)
    {
        var numeric = double.TryParse(condition.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number);
        switch (condition.Intrinsic)
        {
            case Intrinsic.Service: return Text("service", condition, numeric);
            case Intrinsic.Name: return Text("name", condition, numeric);
            case Intrinsic.Kind: return Code("kind", KindNames, condition);
            case Intrinsic.Status: return Code("status_code", StatusNames, condition);
            case Intrinsic.Duration:
                if (!numeric || condition.Op is ConditionOp.Regex) return condition.Op == ConditionOp.Exists ? ("1", true) : ("1", false);
                return ($"if(start_ns + duration_ns > start_ns, duration_ns, 0) {Operator(condition.Op)} {number.ToString("R", CultureInfo.InvariantCulture)}", true);
            case Intrinsic.EventName:
                // The name as an event encodes it (field 2, its length, its bytes) somewhere in the span's extra: at
                // least every span with such an event; the rows are then checked.
                return condition.Op == ConditionOp.Equal
                    ? ($"length(extra) > 0 AND position(extra, unhex('{Encoded(2, condition.Value ?? "")}')) > 0", false)
                    : ("length(extra) > 0", false);
        }
        if (condition.Scope == AttributeScope.Intrinsic) return ("0", true); // an unknown intrinsic matches nothing
        var span = PromotedAttributes.IndexOf(condition.Key) is var promoted and >= 0
            ? Promoted(PromotedAttributes.All[promoted], condition, numeric)
            : Attribute(PromotedAttributes.SpanHasSql(condition.Key), PromotedAttributes.SpanValueSql(condition.Key), condition, numeric);
        var onRow = Attribute($"has(res_keys, {Sql.String(condition.Key)})", $"res_values[indexOf(res_keys, {Sql.String(condition.Key)})]", condition, numeric);
        (string Clause, bool Exact) resource = (OnResource(onRow.Clause, resources), onRow.Exact);
        return condition.Scope switch
        {
            AttributeScope.Span => span,
            AttributeScope.Resource => resource,
            _ => ($"({span.Clause}) OR ({resource.Clause})", span.Exact && resource.Exact),
        };
    }

    /// <summary>
    /// A condition on a span's resource attributes: on the row's own (a row that carries its resource, or one written
    /// before schema version 6), or on the resource the row names (<see cref="ClickHouseSchema.ResourceHash"/>). In a cluster
    /// the resource's row may be on another shard than the spans naming it: <paramref name="resources"/> reads every shard.
    /// </summary>
    private static string OnResource(string onRow, string resources) =>
        $"({onRow}) OR {ClickHouseSchema.ResourceHash} IN (SELECT {ClickHouseSchema.ResourceHash} FROM {resources} WHERE {onRow})";

    private static (string, bool) Text(string column, Condition condition, bool numeric) => condition.Op switch
    {
        ConditionOp.Exists => ("1", true),
        ConditionOp.Equal when !numeric => ($"{column} = {Sql.String(condition.Value ?? "")}", true),
        ConditionOp.NotEqual when !numeric => ($"{column} != {Sql.String(condition.Value ?? "")}", true),
        _ => ("1", false),
    };

    private static (string, bool) Code(string column, string[] names, Condition condition)
    {
        var code = Array.IndexOf(names, condition.Value);
        return condition.Op switch
        {
            ConditionOp.Exists => ("1", true),
            ConditionOp.Equal => code < 0 ? ("1", false) : ($"{column} = {code}", true),
            ConditionOp.NotEqual => code < 0 ? ("1", false) : ($"{column} != {code}", true),
            _ => ("1", false),
        };
    }

    /// <param name="has">The SQL of the key's existence.</param>
    /// <param name="value">The SQL of the value of the key's first occurrence.</param>
    private static (string Clause, bool Exact) Attribute(string has, string value, Condition condition, bool numeric)
    {
        return condition.Op switch
        {
            ConditionOp.Exists => (has, true),
            // One value per key in OTLP, so the first is the value.
            ConditionOp.Equal when !numeric => ($"{has} AND {value} = {Sql.String(condition.Value ?? "")}", true),
            ConditionOp.NotEqual when !numeric => ($"{has} AND {value} != {Sql.String(condition.Value ?? "")}", true),
            _ => (has, false),
        };
    }

    /// <summary>
    /// A span attribute with a column of its own (<see cref="PromotedAttributes"/>). Equality
    /// to a non-empty text reads only the column: a text column holds the value of the key's first occurrence whenever
    /// the key is there (computed from the arrays for rows older than the column), and a UUID column holds every
    /// canonical UUID string value, the only values whose text can be a canonical UUID.
    /// </summary>
    private static (string Clause, bool Exact) Promoted(PromotedAttribute promoted, Condition condition, bool numeric)
    {
        var text = condition.Value ?? "";
        if (condition.Op == ConditionOp.Equal && text.Length > 0 && !numeric)
        {
            if (promoted.Kind == PromotedKind.Text) return ($"{promoted.Column} = {Sql.String(text)}", true);
            Span<byte> uuid = stackalloc byte[16];
            if (PromotedAttribute.TryUuidBytes(text, uuid))
                return ($"{promoted.Column} = toFixedString(unhex('{Convert.ToHexString(uuid)}'), 16)", true);
        }
        return Attribute(PromotedAttributes.SpanHasSql(promoted.Key), PromotedAttributes.SpanValueSql(promoted.Key), condition, numeric);
    }

    private static string Operator(ConditionOp op) => op switch
    {
        ConditionOp.Equal => "=",
        ConditionOp.NotEqual => "!=",
        ConditionOp.Less => "<",
        ConditionOp.LessOrEqual => "<=",
        ConditionOp.Greater => ">",
        _ => ">=",
    };
}

/// <summary>A fetch's conditions evaluated on stored rows, with the same matchers the embedded store uses.</summary>
internal sealed class StoredSpanFilter(FetchRequest request)
{
    private readonly ConditionMatcher[] _matchers = request.Conditions.Select(c => new ConditionMatcher(c)).ToArray();

    public bool Matches(StoredSpan span)
    {
        if (!request.Range.Contains((long)span.Start)) return false;
        if (_matchers.Length == 0) return true;
        foreach (var matcher in _matchers)
        {
            var matched = Matches(matcher, span);
            if (matched != request.AllConditions) return matched;
        }
        return request.AllConditions;
    }

    private static bool Matches(ConditionMatcher matcher, StoredSpan span)
    {
        switch (matcher.Intrinsic)
        {
            case Intrinsic.Service: return matcher.Test(span.Service);
            case Intrinsic.Name: return matcher.Test(span.Name);
            case Intrinsic.Kind: return matcher.Test(ConditionMatcher.KindName(span.Kind));
            case Intrinsic.Status: return matcher.Test(ConditionMatcher.StatusName(span.StatusCode));
            case Intrinsic.Duration: return matcher.TestNumber(span.Duration);
            case Intrinsic.EventName: return span.Extra.Length > 0 && Blocks.ExtraKeys.AnyEventName(span.Extra, name => matcher.Test(name));
        }
        var scope = matcher.Condition.Scope;
        if (scope == AttributeScope.Intrinsic) return false;
        if (scope != AttributeScope.Resource && AnyMatches(matcher, span.AttrKeys, span.AttrValues)) return true;
        return scope != AttributeScope.Span && AnyMatches(matcher, span.ResKeys, span.ResValues);
    }

    private static bool AnyMatches(ConditionMatcher matcher, string[] keys, string[] values)
    {
        for (var i = 0; i < keys.Length; i++)
            if (keys[i] == matcher.Condition.Key && matcher.Test(values[i])) return true;
        return false;
    }
}
