using System.Globalization;
using System.Text.Json;
using Kubetrace.Otlp.Json;
using Kubetrace.Otlp.Proto.Common;
using Kubetrace.Query;
using Kubetrace.Query.TraceQl;
using Kubetrace.Query.TraceQl.Metrics;
using Microsoft.AspNetCore.Http;

namespace Kubetrace.Api.Tempo;

/// <summary>
/// TraceQL metrics as Tempo serves them (pkg/api/http.go ParseQueryRangeRequest): <c>q</c> (or <c>query</c>),
/// <c>start</c>/<c>end</c> as Unix seconds, nanoseconds or RFC 3339 (default: the last <c>since</c>, 1h),
/// <c>step</c> as seconds or a duration (default about 240 points); answers Tempo's QueryRangeResponse
/// (series of typed labels and samples, oldest first) or, for <c>/api/metrics/query</c>, one value per series.
/// </summary>
public static class TempoMetricsApi
{
    public static async Task QueryRangeAsync(HttpContext context, QueryEngine engine) => await RunAsync(context, engine, instant: false);

    public static async Task QueryInstantAsync(HttpContext context, QueryEngine engine) => await RunAsync(context, engine, instant: true);

    private static async Task RunAsync(HttpContext context, QueryEngine engine, bool instant)
    {
        var request = ParseRequest(context.Request.Query, engine.Clock.GetUtcNow(), instant);
        var result = await TempoTraceQl.Run(() => engine.Metrics().QueryAsync(request, context.RequestAborted));
        await JsonBody.WriteAsync(context, 200, w => Write(w, result, request));
    }

    public static MetricsRequest ParseRequest(IQueryCollection query, DateTimeOffset now, bool instant)
    {
        var q = query["q"].ToString();
        if (q.Length == 0) q = query["query"].ToString();
        if (q.Length == 0) throw new BadQueryException("invalid request: q (the TraceQL metrics query) is required");
        var root = TempoTraceQl.Parse(q);
        var since = TimeSpan.FromHours(1);
        if (query["since"].ToString() is { Length: > 0 } sinceText)
        {
            if (!TraceQlDuration.TryParse(sinceText, out var sinceNanos) || sinceNanos <= 0)
                throw new BadQueryException($"could not parse 'since' parameter: {sinceText}");
            since = TimeSpan.FromTicks(sinceNanos / 100);
        }
        var end = Timestamp(query, "end", now);
        var start = Timestamp(query, "start", (end > now ? now : end) - since);
        var startNanos = ToNanos(start);
        var endNanos = ToNanos(end);
        if (endNanos <= startNanos) throw new BadQueryException($"invalid start and end: end ({end:O}) must be after start ({start:O})");
        var step = instant ? endNanos - startNanos : StepNanos(query["step"].ToString(), startNanos, endNanos);
        return new MetricsRequest(root, startNanos, endNanos, step, instant) { Exemplars = ExemplarCount(query["exemplars"].ToString()) };
    }

    /// <summary>Tempo's <c>exemplars</c>: an unsigned count (text that is not one is ignored, as Tempo does); 0 or
    /// none means the frontend's maximum, 100, which also caps it.</summary>
    private static int ExemplarCount(string text) =>
        uint.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0
            ? (int)Math.Min(n, MetricsRequest.MaxExemplars)
            : MetricsRequest.MaxExemplars;

    private static long ToNanos(DateTimeOffset time) => (time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * 100;

    /// <summary>Tempo's parseTimestamp: "1.5" seconds with fraction, up to 10 digits seconds, more nanoseconds, else
    /// RFC 3339; a time the store cannot hold (before 1970, after 2262-04-11) is a 400 naming the parameter instead of
    /// an overflow.</summary>
    private static DateTimeOffset Timestamp(IQueryCollection query, string name, DateTimeOffset fallback)
    {
        var text = query[name].ToString();
        if (text.Length == 0) return fallback;
        var ticks = UnixTicks(text) ?? throw new BadQueryException($"could not parse '{name}' parameter: {text}");
        if (ticks < 0 || ticks > long.MaxValue / 100)
            throw new BadQueryException($"'{name}' parameter {text} is outside the times the store can hold (1970-01-01 to 2262-04-11)");
        return DateTimeOffset.UnixEpoch.AddTicks((long)ticks);
    }

    /// <summary>Ticks since the Unix epoch, as a decimal so that no text overflows; null when not a time.</summary>
    private static decimal? UnixTicks(string text)
    {
        if (text.Contains('.') && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds))
            return double.IsFinite(seconds) && Math.Abs(seconds) < 1e15 ? (decimal)Math.Round(seconds * 1000) * TimeSpan.TicksPerMillisecond : decimal.MaxValue;
        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number))
            return text.Length <= 10 ? (decimal)number * TimeSpan.TicksPerSecond : Math.Floor(number / 100m);
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time))
            return time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks;
        return null;
    }

    private static long StepNanos(string text, long start, long end)
    {
        if (text.Length == 0) return MetricsRequest.DefaultStep(start, end);
        long step;
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds)) step = (long)(seconds * 1e9);
        else if (!TraceQlDuration.TryParse(text, out step)) throw new BadQueryException($"cannot parse \"{text}\" to a valid duration");
        if (step <= 0) throw new BadQueryException($"cannot parse \"{text}\": step must be positive");
        return step;
    }

    public static void Write(Utf8JsonWriter w, MetricsResult result, MetricsRequest request)
    {
        w.WriteStartObject();
        w.WriteStartArray("series");
        foreach (var series in result.Series)
        {
            w.WriteStartObject();
            w.WriteStartArray("labels");
            foreach (var (key, value) in series.Labels)
                CommonJsonWriter.WriteKeyValue(w, new KeyValue { Key = key, Value = value.IsNil ? new AnyValue() : TempoTraceQlWriter.ToAnyValue(value) });
            w.WriteEndArray();
            if (request.Instant)
                w.WriteNumber("value", double.IsNaN(series.Values[0]) ? 0 : series.Values[0]);
            else
            {
                w.WriteStartArray("samples");
                for (var i = 0; i < series.Values.Length; i++)
                {
                    if (double.IsNaN(series.Values[i])) continue;
                    w.WriteStartObject();
                    w.WriteString("timestampMs", request.TimestampMs(i).ToString(CultureInfo.InvariantCulture));
                    w.WriteNumber("value", series.Values[i]);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                WriteExemplars(w, series.Exemplars);
            }
            w.WriteEndObject();
        }
        w.WriteEndArray();
        TempoTraceQlWriter.WriteMetrics(w, result.Cost);
        w.WriteEndObject();
    }

    /// <summary>Tempo's Exemplar message in jsonpb: typed labels, the value, the span's start in ms (a string, int64).</summary>
    private static void WriteExemplars(Utf8JsonWriter w, List<Exemplar> exemplars)
    {
        w.WriteStartArray("exemplars");
        foreach (var e in exemplars)
        {
            w.WriteStartObject();
            w.WriteStartArray("labels");
            CommonJsonWriter.WriteKeyValue(w, new KeyValue { Key = "trace:id", Value = new AnyValue { StringValue = e.TraceId } });
            CommonJsonWriter.WriteKeyValue(w, new KeyValue { Key = "span:id", Value = new AnyValue { StringValue = e.SpanId } });
            w.WriteEndArray();
            w.WriteNumber("value", e.Value);
            w.WriteString("timestampMs", e.TimestampMs.ToString(CultureInfo.InvariantCulture));
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }
}
