using System.Globalization;
using Kubetrace.Api.Tempo;
using Kubetrace.Query;
using TraceQlSearchRequest = Kubetrace.Query.TraceQl.TraceQlSearchRequest;
using Kubetrace.Storage;
using Microsoft.AspNetCore.Http;

namespace Kubetrace.Api.Native;

/// <summary>
/// Parses <c>GET /api/v1/search</c> (documented in docs/api.md) into the shared <see cref="TraceQuery"/>:
/// <c>service</c>, <c>name</c>, <c>attr=key=value</c> (repeated; <c>span.</c> / <c>resource.</c> prefixes choose
/// the scope), <c>minDuration</c>, <c>maxDuration</c>, <c>status</c>, <c>kind</c>, <c>start</c> / <c>end</c>
/// (RFC 3339 or Unix nanoseconds; default the last <c>lookback</c>, 1h), <c>limit</c> (default 20), <c>spans</c>.
/// </summary>
public static class NativeSearchParser
{
    public const int DefaultLimit = 20;
    private static readonly string[] Kinds = ["unspecified", "internal", "server", "client", "producer", "consumer"];
    private static readonly string[] Statuses = ["unset", "ok", "error"];

    public static TraceQuery Parse(IQueryCollection query, DateTimeOffset now)
    {
        var conditions = new List<QueryCondition>();
        if (Text(query, "service") is { } service) conditions.Add(Condition.Service(service));
        if (Text(query, "name") is { } name) conditions.Add(Condition.SpanName(name));
        foreach (var attr in query["attr"]) conditions.Add(Attribute(attr ?? ""));
        var min = Duration(query, "minDuration");
        var max = Duration(query, "maxDuration");
        if (min is { } a && max is { } b && b < a) throw new BadQueryException("maxDuration must not be less than minDuration");
        if (min is { } minimum) conditions.Add(Condition.MinDuration(minimum));
        if (max is { } maximum) conditions.Add(Condition.MaxDuration(maximum));
        if (Text(query, "status") is { } status) conditions.Add(Intrinsic("status", status, Statuses));
        if (Text(query, "kind") is { } kind) conditions.Add(Intrinsic("kind", kind, Kinds));

        var lookback = Duration(query, "lookback") ?? TimeSpan.FromHours(1);
        var end = Time(query, "end") ?? TimeRange.ToNanos(now) + 1;
        var start = Time(query, "start") ?? end - lookback.Ticks * 100;
        if (end <= start) throw new BadQueryException($"end ({end}) must be after start ({start})");
        var limit = Integer(query, "limit", DefaultLimit, 1, TraceQuery.MaxLimit);
        var spans = Integer(query, "spans", 0, 0, 1000);
        return new TraceQuery(new TimeRange(Math.Max(0, start), end), conditions, limit) { SpansPerTrace = spans };
    }

    /// <summary>The search's own filters, which a TraceQL query (<c>q</c>) replaces.</summary>
    private static readonly string[] Filters = ["service", "name", "attr", "minDuration", "maxDuration", "status", "kind"];

    /// <summary>
    /// A TraceQL search when <c>q</c> is given (null otherwise): the query, with the range, <c>limit</c> and
    /// <c>spans</c> of <see cref="Parse"/>. The other filters are refused alongside it: the query says it all.
    /// </summary>
    public static TraceQlSearchRequest? ParseTraceQl(IQueryCollection query, DateTimeOffset now)
    {
        if (Text(query, "q") is not { } text) return null;
        if (Filters.FirstOrDefault(query.ContainsKey) is { } filter)
            throw new BadQueryException($"q (TraceQL) and {filter} cannot be combined: write the {filter} condition into the TraceQL query");
        var search = Parse(query, now);
        return new TraceQlSearchRequest(TempoTraceQl.Parse(text), search.Range, search.Limit) { SpansPerSpanset = search.SpansPerTrace };
    }

    private static QueryCondition Attribute(string text)
    {
        var equals = text.IndexOf('=');
        if (equals <= 0) throw new BadQueryException($"attr must be key=value, got \"{text}\"");
        var key = text[..equals];
        var value = text[(equals + 1)..];
        if (key.StartsWith("span.", StringComparison.Ordinal)) return Condition.Attribute(key[5..], value, AttributeScope.Span);
        if (key.StartsWith("resource.", StringComparison.Ordinal)) return Condition.Attribute(key[9..], value, AttributeScope.Resource);
        return Condition.Attribute(key, value);
    }

    private static Condition Intrinsic(string key, string value, string[] allowed)
    {
        var lower = value.ToLowerInvariant();
        if (!allowed.Contains(lower)) throw new BadQueryException($"{key} must be one of {string.Join(", ", allowed)}, got \"{value}\"");
        return new Condition(AttributeScope.Intrinsic, key, ConditionOp.Equal, lower);
    }

    private static string? Text(IQueryCollection query, string name) =>
        query.TryGetValue(name, out var values) && values.ToString() is { Length: > 0 } text ? text : null;

    internal static TimeSpan? Duration(IQueryCollection query, string name)
    {
        if (Text(query, name) is not { } text) return null;
        if (!GoText.TryParseDuration(text, out var value, out var error) || value < TimeSpan.Zero)
            throw new BadQueryException($"{name}: {(error.Length > 0 ? error : "must not be negative")} ({Config.GoDuration.HintWithDays})");
        return value;
    }

    /// <summary>The latest time whose Unix nanoseconds fit 64 bits.</summary>
    private static readonly DateTimeOffset Latest = DateTimeOffset.UnixEpoch.AddTicks(long.MaxValue / 100);

    internal static long? Time(IQueryCollection query, string name)
    {
        if (Text(query, name) is not { } text) return null;
        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var nanos)) return nanos;
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time))
        {
            if (time < DateTimeOffset.UnixEpoch || time > Latest)
                throw new BadQueryException($"{name}: \"{text}\" is outside the times the store can hold (1970-01-01 to 2262-04-11)");
            return TimeRange.ToNanos(time);
        }
        throw new BadQueryException($"{name}: \"{text}\" is neither RFC 3339 (2026-01-02T15:04:05Z) nor Unix nanoseconds");
    }

    private static int Integer(IQueryCollection query, string name, int fallback, int min, int max)
    {
        if (Text(query, name) is not { } text) return fallback;
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
            throw new BadQueryException($"{name} must be a whole number from {min} to {max}, got \"{text}\"");
        return value;
    }
}
