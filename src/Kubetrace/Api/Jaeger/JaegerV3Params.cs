using Kubetrace.Query;
using Kubetrace.Storage;
using Microsoft.AspNetCore.Http;

namespace Kubetrace.Api.Jaeger;

/// <summary>A parsed <c>GET /api/v3/traces</c>: the search, and whether to answer the spans as stored.</summary>
public sealed record JaegerV3Search(TraceQuery Query, bool RawTraces);

/// <summary>
/// Jaeger's api_v3 query parameters (apiv3/query_parser.go): the canonical camelCase names, each with the older
/// snake_case alias it still accepts (<c>query.serviceName</c> / <c>query.service_name</c>, ...), Jaeger's error
/// texts (<c>malformed parameter NAME: ...</c>), times as RFC 3339 with nanoseconds, durations as Go durations.
/// </summary>
public static class JaegerV3Params
{
    public const int DefaultSearchDepth = 100;

    /// <summary>A search: <c>query.startTimeMin</c> and <c>query.startTimeMax</c> required, the rest optional.</summary>
    public static JaegerV3Search ParseSearch(IQueryCollection query)
    {
        var conditions = new List<QueryCondition>();
        if (Get(query, "query.serviceName", "query.service_name").Value is { Length: > 0 } service) conditions.Add(Condition.Service(service));
        if (Get(query, "query.operationName", "query.operation_name").Value is { Length: > 0 } operation) conditions.Add(Condition.SpanName(operation));
        if (query["query.attributes"].ToString() is { Length: > 0 } attributes)
            foreach (var (key, value) in JaegerSearchParser.StringMap(attributes, "malformed parameter query.attributes: "))
                conditions.Add(new QueryCondition(JaegerSearchParser.TagCondition(key, value), Everywhere: true));
        if (query["query.filter"].ToString().Length > 0)
            throw new BadQueryException("malformed parameter query.filter: filter expressions are not supported by this server; use query.attributes");

        var min = Get(query, "query.startTimeMin", "query.start_time_min");
        var max = Get(query, "query.startTimeMax", "query.start_time_max");
        if (min.Value.Length == 0 || max.Value.Length == 0)
            throw new BadQueryException("query.startTimeMin and query.startTimeMax are required");
        var start = Time(min);
        var end = Time(max);
        if (start >= end) throw new BadQueryException("query.startTimeMin must be before query.startTimeMax");

        var depth = Get(query, "query.searchDepth", "query.search_depth");
        if (depth.Value.Length == 0) depth = ("query.num_traces", query["query.num_traces"].ToString());
        var limit = DefaultSearchDepth;
        if (depth.Value.Length > 0)
        {
            if (!GoText.TryParseInt32(depth.Value, out limit, out var error)) throw Malformed(depth.Name, error);
            if (limit <= 0) throw Malformed(depth.Name, "the search depth must be greater than 0");
        }

        if (Duration(query, "query.durationMin", "query.duration_min") is { } shortest) conditions.Add(Condition.MinDuration(shortest));
        if (Duration(query, "query.durationMax", "query.duration_max") is { } longest) conditions.Add(Condition.MaxDuration(longest));
        var raw = Bool(query, "query.rawTraces", "query.raw_traces");
        var search = new TraceQuery(new TimeRange(start, end == long.MaxValue ? end : end + 1), conditions, limit)
        {
            SpansPerTrace = 0,
            WholeTraces = true,
        };
        return new JaegerV3Search(search, raw);
    }

    /// <summary>The optional <c>startTime</c> / <c>endTime</c> / <c>rawTraces</c> of a trace fetch, checked as Jaeger checks them.</summary>
    public static bool ParseTraceFetch(IQueryCollection query)
    {
        foreach (var (canonical, alias) in new[] { ("startTime", "start_time"), ("endTime", "end_time") })
            if (Get(query, canonical, alias) is { Value.Length: > 0 } time) Time(time);
        return Bool(query, "rawTraces", "raw_traces");
    }

    /// <summary><c>spanKind</c> (alias <c>span_kind</c>) of an operations request; empty when absent.</summary>
    public static string SpanKind(IQueryCollection query) => Get(query, "spanKind", "span_kind").Value;

    /// <summary>
    /// A trace ID as api_v3 reads it (TraceIDFromString): up to 32 hex digits, or the 16 (or 8) bytes in base64,
    /// standard or URL-safe, padded or not.
    /// </summary>
    public static TraceId ParseTraceId(string text)
    {
        if (text.Length <= 32 && TraceId.TryParse(text, out var id)) return id;
        if (text.Length <= 24 && FromBase64(text) is { Length: 16 or 8 } bytes)
            return TraceId.FromBytes(bytes);
        throw Malformed("trace_id", text.Length > 32
            ? $"TraceID cannot be longer than 32 hex characters: {text}"
            : $"strconv.ParseUint: parsing \"{text}\": invalid syntax");
    }

    private static byte[]? FromBase64(string text)
    {
        var standard = text.Replace('-', '+').Replace('_', '/');
        standard = standard.PadRight(standard.Length + (4 - standard.Length % 4) % 4, '=');
        var buffer = new byte[18];
        return Convert.TryFromBase64String(standard, buffer, out var written) ? buffer[..written] : null;
    }

    /// <summary>The canonical parameter when it is set, else its alias (Jaeger's getQueryParam), with the name it came from.</summary>
    private static (string Name, string Value) Get(IQueryCollection query, string canonical, string alias) =>
        query[canonical].ToString() is { Length: > 0 } value ? (canonical, value) : (alias, query[alias].ToString());

    private static long Time((string Name, string Value) parameter) =>
        GoText.TryParseRfc3339Nano(parameter.Value, out var nanos, out var error) ? nanos : throw Malformed(parameter.Name, error);

    private static TimeSpan? Duration(IQueryCollection query, string canonical, string alias)
    {
        var (name, text) = Get(query, canonical, alias);
        if (text.Length == 0) return null;
        return GoText.TryParseDuration(text, out var value, out var error) ? value : throw Malformed(name, error);
    }

    private static bool Bool(IQueryCollection query, string canonical, string alias)
    {
        var (name, text) = Get(query, canonical, alias);
        if (text.Length == 0) return false;
        return GoText.TryParseBool(text, out var value, out var error) ? value : throw Malformed(name, error);
    }

    private static BadQueryException Malformed(string name, string error) => new($"malformed parameter {name}: {error}");
}
