using Kubetrace.Query;
using Kubetrace.Query.TraceQl;
using AttributeScope = Kubetrace.Storage.AttributeScope;
using Kubetrace.Storage;
using Microsoft.AspNetCore.Http;

namespace Kubetrace.Api.Tempo;

/// <summary>Tempo's SearchRequest fields as parsed (names as in tempopb, for comparison with Tempo's own cases).</summary>
public sealed record TempoSearchRequest(
    IReadOnlyDictionary<string, string> Tags,
    uint MinDurationMs,
    uint MaxDurationMs,
    uint Limit,
    uint Start,
    uint End,
    string Query,
    uint SpansPerSpanSet);

/// <summary>
/// Parses <c>GET /api/search</c> as Tempo's ParseSearchRequest does (same defaults and error texts), then turns it
/// into a search: <c>q</c> into a TraceQL search (<see cref="ToTraceQlSearch"/>), otherwise the shared
/// <see cref="TraceQuery"/> with <c>tags</c> as
/// case-insensitive substring conditions on span or resource attributes (as Tempo documents them), min/max duration on the whole trace, start/end in Unix seconds.
/// </summary>
public static class TempoSearchParser
{
    public const int DefaultLimit = 20;
    public const uint DefaultSpansPerSpanSet = 3;

    private static readonly HashSet<string> Reserved =
        ["q", "tags", "minDuration", "maxDuration", "limit", "start", "end", "spss", "skip_ast_transformations"];

    public static TempoSearchRequest ParseRequest(IQueryCollection query)
    {
        var q = Text(query, "q");
        var tagsText = Text(query, "tags");
        if (q.Length > 0 && tagsText.Length > 0)
            throw new BadQueryException("invalid request: can't specify tags and q in the same query");
        var tags = tagsText.Length > 0 ? Logfmt.Parse(tagsText) : new Dictionary<string, string>();

        var min = DurationMs(query, "minDuration");
        var max = DurationMs(query, "maxDuration");
        if (min > 0 && max > 0 && min > max) throw new BadQueryException("invalid maxDuration: must be greater than minDuration");

        var limit = UInt(query, "limit");
        if (limit is 0) throw new BadQueryException("invalid limit: must be a positive number");
        if (limit > TraceQuery.MaxLimit) throw new BadQueryException($"invalid limit: must be at most {TraceQuery.MaxLimit}");

        var start = UInt(query, "start") ?? 0;
        var end = UInt(query, "end") ?? 0;
        if ((start != 0 || end != 0) && end <= start)
            throw new BadQueryException($"http parameter start must be before end. received start={start} end={end}");
        var spss = UInt(query, "spss") ?? DefaultSpansPerSpanSet;

        // Legacy: bare k=v parameters are tags, but only in a plain recent-data search.
        if (q.Length == 0 && tagsText.Length == 0 && start == 0 && end == 0)
            foreach (var (key, value) in query)
                if (!Reserved.Contains(key)) tags[key] = value.ToString();

        return new TempoSearchRequest(tags, min, max, limit ?? 0, start, end, q, spss);
    }

    public static TraceQuery ToTraceQuery(TempoSearchRequest request)
    {
        var conditions = new List<QueryCondition>();
        foreach (var (key, value) in request.Tags)
        {
            // As Tempo documents it: a tag's value matches case-insensitively anywhere in the stored value.
            var contains = $"(?i).*{System.Text.RegularExpressions.Regex.Escape(value)}.*";
            conditions.Add(key switch
            {
                "service.name" => new Condition(AttributeScope.Intrinsic, "service", ConditionOp.Regex, contains),
                "name" => new Condition(AttributeScope.Intrinsic, "name", ConditionOp.Regex, contains),
                _ when value.Length == 0 => new Condition(AttributeScope.Any, key, ConditionOp.Exists),
                _ => new Condition(AttributeScope.Any, key, ConditionOp.Regex, contains),
            });
        }
        // Both 0: "recent data"; here that is everything, newest first (the limit bounds the work).
        var range = request.Start == 0 && request.End == 0
            ? TimeRange.All
            : new TimeRange(request.Start * 1_000_000_000L, (request.End + 1L) * 1_000_000_000L);
        return new TraceQuery(range, conditions, request.Limit == 0 ? DefaultLimit : (int)request.Limit)
        {
            SpansPerTrace = (int)Math.Min(request.SpansPerSpanSet, 1000),
            MinTraceDuration = request.MinDurationMs > 0 ? TimeSpan.FromMilliseconds(request.MinDurationMs) : null,
            MaxTraceDuration = request.MaxDurationMs > 0 ? TimeSpan.FromMilliseconds(request.MaxDurationMs) : null,
        };
    }

    /// <summary>A search with <c>q</c>: the TraceQL query over traces overlapping start..end (Unix seconds, both 0: all).</summary>
    public static TraceQlSearchRequest ToTraceQlSearch(TempoSearchRequest request)
    {
        var range = request.Start == 0 && request.End == 0
            ? TimeRange.All
            : new TimeRange(request.Start * 1_000_000_000L, (request.End + 1L) * 1_000_000_000L);
        return new TraceQlSearchRequest(TempoTraceQl.Parse(request.Query), range, request.Limit == 0 ? DefaultLimit : (int)request.Limit)
        {
            SpansPerSpanset = (int)Math.Min(request.SpansPerSpanSet, 1000),
            MinTraceDurationNanos = request.MinDurationMs > 0 ? request.MinDurationMs * 1_000_000L : null,
            MaxTraceDurationNanos = request.MaxDurationMs > 0 ? request.MaxDurationMs * 1_000_000L : null,
        };
    }

    private static string Text(IQueryCollection query, string name) => query[name].ToString();

    private static uint DurationMs(IQueryCollection query, string name)
    {
        var text = Text(query, name);
        if (text.Length == 0) return 0;
        if (!GoText.TryParseDuration(text, out var value, out var error)) throw new BadQueryException($"invalid {name}: {error}");
        if (value < TimeSpan.Zero) throw new BadQueryException($"invalid {name}: must not be negative");
        return (uint)Math.Min(uint.MaxValue, value.TotalMilliseconds);
    }

    private static uint? UInt(IQueryCollection query, string name)
    {
        var text = Text(query, name);
        if (text.Length == 0) return null;
        if (!GoText.TryParseUint32(text, out var value, out var error)) throw new BadQueryException($"invalid {name}: {error}");
        return value;
    }
}
