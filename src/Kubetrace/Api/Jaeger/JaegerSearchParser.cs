using System.Text.Json;
using System.Text.RegularExpressions;
using Kubetrace.Query;
using Kubetrace.Storage;
using Microsoft.AspNetCore.Http;

namespace Kubetrace.Api.Jaeger;

/// <summary>A parsed <c>GET /api/traces</c>: either trace IDs to fetch, or a search.</summary>
public sealed record JaegerSearch(IReadOnlyList<TraceId> TraceIds, TraceQuery? Query);

/// <summary>
/// Parses Jaeger's search parameters (query_parser.go) into the shared <see cref="TraceQuery"/>, with Jaeger's
/// error texts: <c>service</c>, <c>operation</c>, <c>tag=k:v</c> (repeated), <c>tags={json}</c>, <c>minDuration</c> /
/// <c>maxDuration</c> (Go durations), <c>start</c> / <c>end</c> (µs; default end=now, start=end-lookback),
/// <c>lookback</c> (default 48h), <c>limit</c> (default 100), <c>traceID</c> (repeated; other filters then ignored).
/// </summary>
public static class JaegerSearchParser
{
    public const int DefaultLimit = 100;
    private static readonly TimeSpan DefaultLookback = TimeSpan.FromHours(48);

    public static JaegerSearch Parse(IQueryCollection query, DateTimeOffset now)
    {
        if (query.TryGetValue("raw", out var raw) && !GoText.TryParseBool(raw.ToString(), out _, out var rawError))
            throw new BadQueryException($"unable to parse param 'raw': {rawError}");
        if (query.TryGetValue("traceID", out var ids) && ids.Count > 0)
            return new JaegerSearch(ids.Select(id => JaegerIds.ParseTraceId(id ?? "")).ToList(), null);

        var conditions = new List<QueryCondition>();
        if (Single(query, "service") is { Length: > 0 } service) conditions.Add(Condition.Service(service));
        if (Single(query, "operation") is { Length: > 0 } operation) conditions.Add(Condition.SpanName(operation));
        foreach (var (key, value) in Tags(query)) conditions.Add(new QueryCondition(TagCondition(key, value), Everywhere: true));

        var min = Duration(query, "minDuration");
        var max = Duration(query, "maxDuration");
        if (min is { } a && max is { } b && b < a) throw new BadQueryException("'maxDuration' should be greater than 'minDuration'");
        if (min is { } minimum) conditions.Add(Condition.MinDuration(minimum));
        if (max is { } maximum) conditions.Add(Condition.MaxDuration(maximum));

        var limit = Int64(query, "limit") ?? DefaultLimit;
        if (limit < 0) throw new BadQueryException("'limit' must not be negative");
        if (limit > TraceQuery.MaxLimit) throw new BadQueryException($"'limit' must be at most {TraceQuery.MaxLimit}");

        var endMicros = Micros(query, "end") ?? now.ToUnixTimeMilliseconds() * 1000;
        var lookback = Single(query, "lookback") is { } text && GoText.TryParseDuration(text, out var parsed, out _) ? parsed : DefaultLookback;
        var startMicros = Micros(query, "start") ?? endMicros - (long)(lookback.Ticks / 10);
        if (endMicros < startMicros)
            throw new BadQueryException($"'end' ({endMicros}) must not be before 'start' ({startMicros})");
        var range = new TimeRange(Math.Max(0, startMicros) * 1000,
            endMicros >= LatestMicros ? long.MaxValue : Math.Max(0, endMicros + 1) * 1000);
        return new JaegerSearch([], new TraceQuery(range, conditions, limit == 0 ? DefaultLimit : (int)limit));
    }

    /// <summary>
    /// Jaeger's backends differ: most compare tag values exactly, Elasticsearch as a regular expression. A value
    /// matches here when it is equal, or, if it contains regex syntax, when it matches as a whole-value regex,
    /// so <c>same.*</c> and <c>same\*</c> behave as on Elasticsearch while plain values stay exact and indexed.
    /// </summary>
    public static Condition TagCondition(string key, string value)
    {
        if (value.IndexOfAny(['*', '+', '?', '[', '(', '{', '|', '\\', '^', '$']) < 0)
            return Condition.Attribute(key, value);
        try
        {
            // Only to learn whether it is a pattern at all; it runs through the linear-time engine like every user regex.
            _ = UserRegex.Compile(value);
            return new Condition(AttributeScope.Any, key, ConditionOp.Regex, $"{Regex.Escape(value)}|{value}");
        }
        catch (InvalidUserRegexException)
        {
            return Condition.Attribute(key, value);
        }
    }

    private static IEnumerable<(string Key, string Value)> Tags(IQueryCollection query)
    {
        var tags = new List<(string, string)>();
        foreach (var tag in query["tag"])
        {
            var colon = tag?.IndexOf(':') ?? -1;
            if (colon < 0) throw new BadQueryException($"malformed 'tag' parameter, expecting key:value, received: {tag}");
            tags.Add((tag![..colon], tag[(colon + 1)..]));
        }
        foreach (var json in query["tags"]) tags.AddRange(StringMap(json ?? "", "malformed 'tags' parameter, cannot unmarshal JSON: "));
        return tags;
    }

    /// <summary>
    /// A JSON object of strings (Go's <c>json.Unmarshal</c> into <c>map[string]string</c>, as Jaeger reads tags and
    /// api_v3's <c>query.attributes</c>); anything else is a 400 starting with <paramref name="errorPrefix"/>.
    /// </summary>
    public static List<(string Key, string Value)> StringMap(string json, string errorPrefix)
    {
        var pairs = new List<(string, string)>();
        try
        {
            using var document = JsonDocument.Parse(json);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                throw new BadQueryException($"{errorPrefix}json: cannot unmarshal {GoKind(document.RootElement)} into Go value of type map[string]string");
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (property.Value.ValueKind != JsonValueKind.String)
                    throw new BadQueryException($"{errorPrefix}json: cannot unmarshal {GoKind(property.Value)} into Go value of type string");
                pairs.Add((property.Name, property.Value.GetString()!));
            }
        }
        catch (JsonException e)
        {
            throw new BadQueryException(errorPrefix + e.Message);
        }
        return pairs;
    }

    private static string GoKind(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Number => "number",
        JsonValueKind.True or JsonValueKind.False => "bool",
        JsonValueKind.Array => "array",
        JsonValueKind.Object => "object",
        _ => "string",
    };

    private static string? Single(IQueryCollection query, string name) =>
        query.TryGetValue(name, out var values) && values.Count > 0 ? values[0] : null;

    private static long? Int64(IQueryCollection query, string name)
    {
        if (Single(query, name) is not { Length: > 0 } text) return null;
        if (!GoText.TryParseInt64(text, out var value, out var error))
            throw new BadQueryException($"unable to parse param '{name}': {error}");
        return value;
    }

    /// <summary>The latest time in µs whose nanoseconds still fit the store's 64-bit times (2262-04-11).</summary>
    private const long LatestMicros = long.MaxValue / 1000;

    /// <summary>A time in Unix µs; beyond what nanoseconds can hold is a 400 naming the parameter, never a wrap-around.</summary>
    private static long? Micros(IQueryCollection query, string name)
    {
        var value = Int64(query, name);
        if (value > LatestMicros)
            throw new BadQueryException($"unable to parse param '{name}': {value} is after the latest time the store can hold ({LatestMicros} µs, 2262-04-11)");
        return value;
    }

    private static TimeSpan? Duration(IQueryCollection query, string name)
    {
        if (Single(query, name) is not { Length: > 0 } text) return null;
        if (!GoText.TryParseDuration(text, out var value, out var error))
            throw new BadQueryException($"unable to parse param '{name}': {error}");
        return value;
    }
}
