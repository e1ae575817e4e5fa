using System.Globalization;
using System.Text.Json;
using Kubetrace.Analysis;
using Kubetrace.Analysis.Red;
using Kubetrace.Query;
using Kubetrace.Query.Budget;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SpanKind = Kubetrace.Otlp.Proto.Trace.Span.Types.SpanKind;

namespace Kubetrace.Api.Jaeger;

/// <summary>
/// Jaeger's metrics query API behind Jaeger UI's Monitor tab (jaegerquery http_handler.go and query_parser.go
/// parseMetricsQueryParams; <c>minstep</c> as in v2.9.0, the last to have it): <c>latencies</c>, <c>calls</c> and
/// <c>errors</c> per service (and operation with <c>groupByOperation</c>) as a <c>MetricFamily</c> of gauges, the way
/// Jaeger's Prometheus metric store answers them (same names, help texts and labels <c>service_name</c>,
/// <c>operation</c>), computed from the stored spans by <see cref="RedTimeline"/>. Errors in Jaeger's v1 envelope.
/// </summary>
public static class JaegerMonitorApi
{
    /// <summary>Steps a series may hold (Prometheus's own limit on a range query, which Jaeger's metric store sends).</summary>
    public const int MaxSteps = 11_000;

    /// <summary>Step sketches merged for one latency answer (points × steps per window).</summary>
    public const long MaxLatencyMerges = 2_000_000;

    private static readonly Dictionary<string, SpanKind> Kinds = new(StringComparer.Ordinal)
    {
        ["unspecified"] = SpanKind.Unspecified, ["internal"] = SpanKind.Internal, ["server"] = SpanKind.Server,
        ["client"] = SpanKind.Client, ["producer"] = SpanKind.Producer, ["consumer"] = SpanKind.Consumer,
    };

    public static void Map(IEndpointRouteBuilder app, ApiHandler api)
    {
        app.MapGet("/api/metrics/latencies", api.Handle(Latencies));
        app.MapGet("/api/metrics/calls", api.Handle((context, engine) => WriteAsync(context, engine, "service_call_rate",
            "calls/sec, grouped by service", w => w.Calls / w.Seconds, allPoints: true)));
        app.MapGet("/api/metrics/errors", api.Handle((context, engine) => WriteAsync(context, engine, "service_error_rate",
            "error rate, computed as a fraction of errors/sec over calls/sec, grouped by service", w => (double)w.Errors / w.Calls)));
        app.MapGet("/api/metrics/minstep", api.Handle((context, _) =>
            JaegerEnvelope.WriteAsync(context, 200, w => w.WriteNumberValue(1)))); // any whole millisecond is a step here
    }

    private static Task Latencies(HttpContext context, QueryEngine engine)
    {
        if (!GoText.TryParseFloat(context.Request.Query["quantile"].ToString(), out var quantile, out var error))
            throw new BadQueryException($"unable to parse param 'quantile': {error}");
        if (quantile is < 0 or > 1 || double.IsNaN(quantile))
            throw new BadQueryException($"unable to parse param 'quantile': {quantile.ToString(CultureInfo.InvariantCulture)} is not between 0 and 1");
        return WriteAsync(context, engine, "service_latencies",
            $"{quantile.ToString("0.00", CultureInfo.InvariantCulture)}th quantile latency, grouped by service",
            w => w.Latency().Percentile(quantile) / 1e6, latency: true);
    }

    /// <param name="value">A point's value from its window; asked only for windows with calls unless <paramref name="allPoints"/>
    /// (a rate of no calls is 0; a latency or error fraction of no calls has no value, as in Prometheus).</param>
    private static async Task WriteAsync(HttpContext context, QueryEngine engine, string name, string help,
        Func<RedWindow, double> value, bool allPoints = false, bool latency = false)
    {
        var request = Parse(context.Request.Query, engine.Clock.GetUtcNow());
        if (latency && request.Points * request.WindowSteps > MaxLatencyMerges)
            throw new BadQueryException($"unable to parse param 'step': {request.Points} points over windows of {request.WindowSteps} steps " +
                $"are more than {MaxLatencyMerges} steps to merge: use a larger step or a shorter ratePer");
        engine.Limits.CheckRange(RedTimeline.ScanRange(request));
        using var budget = new QueryBudget(engine.Limits, context.RequestAborted);
        RedTimeline timeline;
        try
        {
            timeline = await RedTimeline.ComputeAsync(engine.Store, request, budget.Token);
        }
        catch (OperationCanceledException) when (!context.RequestAborted.IsCancellationRequested && budget.TimedOut())
        {
            throw new QueryLimitException(QueryRefusal.Unavailable, "query_timeout",
                $"the metrics query ran past query_timeout ({QueryBudget.GoDurationText(engine.Limits.QueryTimeout)}): narrow the lookback or the services",
                TimeSpan.FromSeconds(1));
        }
        await JsonBody.WriteAsync(context, 200, w => WriteFamily(w, name, help, timeline, value, allPoints, latency), indented: JaegerEnvelope.PrettyPrint(context));
    }

    /// <summary>Jaeger's <c>MetricFamily</c> in proto3 JSON (gogo jsonpb): empty fields left out, timestamps in RFC 3339.</summary>
    /// <remarks>A latency point rests on the window's calls that are not watch streams: a window of watches only has none.</remarks>
    private static void WriteFamily(Utf8JsonWriter w, string name, string help, RedTimeline timeline, Func<RedWindow, double> value, bool allPoints, bool latency)
    {
        w.WriteStartObject();
        w.WriteString("name", name);
        w.WriteString("type", "GAUGE");
        w.WriteString("help", help);
        var wroteMetrics = false;
        foreach (var (service, operation, points) in timeline.Series())
        {
            if (!wroteMetrics) w.WriteStartArray("metrics");
            wroteMetrics = true;
            w.WriteStartObject();
            w.WriteStartArray("labels");
            WriteLabel(w, "service_name", service);
            if (operation is not null) WriteLabel(w, "operation", operation);
            w.WriteEndArray();
            w.WriteStartArray("metricPoints");
            foreach (var point in points)
            {
                if (!allPoints && (latency ? point.Timed : point.Calls) == 0) continue;
                w.WriteStartObject();
                w.WriteStartObject("gaugeValue");
                w.WriteNumber("doubleValue", value(point));
                w.WriteEndObject();
                w.WriteString("timestamp", Timestamp(point.TimeUnixNano));
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        if (wroteMetrics) w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void WriteLabel(Utf8JsonWriter w, string name, string value)
    {
        w.WriteStartObject();
        w.WriteString("name", name);
        if (value.Length > 0) w.WriteString("value", value);
        w.WriteEndObject();
    }

    /// <summary>A <c>google.protobuf.Timestamp</c> in proto3 JSON: UTC, with 0, 3, 6 or 9 fraction digits as needed.</summary>
    internal static string Timestamp(long unixNanos)
    {
        var seconds = DateTimeOffset.FromUnixTimeSeconds(Math.DivRem(unixNanos, 1_000_000_000, out var nanos));
        var text = seconds.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture);
        var fraction = nanos == 0 ? ""
            : nanos % 1_000_000 == 0 ? "." + (nanos / 1_000_000).ToString("000", CultureInfo.InvariantCulture)
            : nanos % 1_000 == 0 ? "." + (nanos / 1_000).ToString("000000", CultureInfo.InvariantCulture)
            : "." + nanos.ToString("000000000", CultureInfo.InvariantCulture);
        return text + fraction + "Z";
    }

    /// <summary>Jaeger's parameters: <c>service</c> (repeated, required), <c>groupByOperation</c>, <c>spanKind</c> (repeated,
    /// default server), <c>endTs</c> (Unix ms, default now), <c>lookback</c>, <c>step</c>, <c>ratePer</c> (ms; 1h, 5s, 10m).</summary>
    public static RedTimelineRequest Parse(IQueryCollection query, DateTimeOffset now)
    {
        if (!query.TryGetValue("service", out var services))
            throw new BadQueryException("unable to parse param 'service': please provide at least one service name");
        var byOperation = false;
        if (query["groupByOperation"].ToString() is { Length: > 0 } group && !GoText.TryParseBool(group, out byOperation, out var boolError))
            throw new BadQueryException($"unable to parse param 'groupByOperation': {boolError}");
        var kinds = new HashSet<SpanKind>();
        if (query.TryGetValue("spanKind", out var kindTexts))
            foreach (var kind in kindTexts)
                kinds.Add(Kinds.TryGetValue(kind ?? "", out var parsed) ? parsed
                    : throw new BadQueryException($"unable to parse param 'spanKind': unsupported span kind: '{kind}'"));
        else kinds.Add(SpanKind.Server);
        var end = Millis(query, "endTs") ?? now.ToUnixTimeMilliseconds();
        var lookback = Millis(query, "lookback") ?? 3_600_000;
        var step = Millis(query, "step") ?? 5_000;
        var ratePer = Millis(query, "ratePer") ?? 600_000;
        if (step <= 0) throw new BadQueryException("unable to parse param 'step': must be positive");
        if (lookback < 0 || ratePer <= 0)
            throw new BadQueryException($"unable to parse param '{(lookback < 0 ? "lookback" : "ratePer")}': must be {(lookback < 0 ? "zero or more" : "positive")}");
        const long maxMillis = long.MaxValue / 1_000_000;
        if (end is < 0 or > maxMillis) throw new BadQueryException($"unable to parse param 'endTs': {end} is outside the times the store can hold");
        var request = new RedTimelineRequest(services.Select(s => s ?? "").ToHashSet(StringComparer.Ordinal), kinds, byOperation,
            end * 1_000_000, Math.Min(lookback, end) * 1_000_000, Math.Min(step, maxMillis) * 1_000_000, Math.Min(ratePer, maxMillis) * 1_000_000);
        if (request.Points + request.WindowSteps - 1 > MaxSteps)
            throw new BadQueryException($"exceeded maximum resolution of {MaxSteps} points per timeseries: try a larger step (the lookback and ratePer " +
                $"span {request.Points + request.WindowSteps - 1} steps of {step} ms)");
        return request;
    }

    private static long? Millis(IQueryCollection query, string name)
    {
        var text = query[name].ToString();
        if (text.Length == 0) return null;
        return GoText.TryParseInt64(text, out var value, out var error) ? value : throw new BadQueryException($"unable to parse param '{name}': {error}");
    }
}
