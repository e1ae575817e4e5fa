using System.Globalization;
using System.Text.Json;
using Kubetrace.Query;
using Kubetrace.Query.TraceQl;
using Kubetrace.Query.TraceQl.Metrics;
using Microsoft.AspNetCore.Http;

namespace Kubetrace.Api.Tempo;

/// <summary>
/// <c>GET /api/metrics/summary</c> as Tempo 2.x serves it (pkg/api ParseSpanMetricsSummaryRequest, tempopb
/// SpanMetricsSummaryResponse in jsonpb), for Grafana's "Aggregate by" table (<see cref="SpanMetricsSummary"/>):
/// <c>q</c> a TraceQL search query, <c>groupBy</c> comma-separated attributes, <c>start</c>/<c>end</c> Unix seconds
/// (default: the last hour, what Tempo's local blocks hold).
/// </summary>
public static class TempoMetricsSummaryApi
{
    public static async Task SummaryAsync(HttpContext context, QueryEngine engine)
    {
        var query = context.Request.Query;
        var q = query["q"].ToString();
        if (q.Length == 0) throw new BadQueryException("invalid request: q (a TraceQL query) is required");
        var root = TempoTraceQl.Parse(q);
        var groupBy = Validated(() => SpanMetricsSummary.ParseGroupBy(query["groupBy"].ToString()));
        var end = Seconds(query, "end") ?? engine.Clock.GetUtcNow().ToUnixTimeSeconds();
        var start = Seconds(query, "start") ?? end - 3600;
        var groups = await TempoTraceQl.Run(() => SpanMetricsSummary.QueryAsync(engine.Metrics(), root, groupBy, start * 1_000_000_000, end * 1_000_000_000, context.RequestAborted));
        await JsonBody.WriteAsync(context, 200, w => Write(w, groups));
    }

    private static T Validated<T>(Func<T> parse)
    {
        try
        {
            return parse();
        }
        catch (TraceQlException e)
        {
            throw new BadQueryException(e.Message);
        }
    }

    /// <summary>Tempo's <c>strconv.ParseInt(s, 10, 32)</c> of a Unix time in seconds; absent or 0: not given.</summary>
    private static long? Seconds(IQueryCollection query, string name)
    {
        var text = query[name].ToString();
        if (text.Length == 0) return null;
        if (!GoText.TryParseInt64(text, out var seconds, out var error) || seconds is < 0 or > int.MaxValue)
            throw new BadQueryException($"invalid {name}: {(error.Length > 0 ? error : $"strconv.ParseInt: parsing \"{text}\": value out of range")}");
        return seconds == 0 ? null : seconds;
    }

    /// <summary>jsonpb: 64-bit integers as strings, zero values left out (an empty answer is <c>{}</c>).</summary>
    public static void Write(Utf8JsonWriter w, IReadOnlyList<SpanMetricsSummary.Group> groups)
    {
        w.WriteStartObject();
        if (groups.Count > 0)
        {
            w.WriteStartArray("summaries");
            foreach (var g in groups)
            {
                w.WriteStartObject();
                WriteUInt64(w, "spanCount", (ulong)g.SpanCount);
                WriteUInt64(w, "errorSpanCount", (ulong)g.ErrorSpanCount);
                w.WriteStartArray("series");
                foreach (var (key, value) in g.Series)
                {
                    w.WriteStartObject();
                    w.WriteString("key", key);
                    w.WritePropertyName("value");
                    WriteStatic(w, value);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                WriteUInt64(w, "p99", g.P99);
                WriteUInt64(w, "p95", g.P95);
                WriteUInt64(w, "p90", g.P90);
                WriteUInt64(w, "p50", g.P50);
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
        w.WriteEndObject();
    }

    /// <summary>Tempo's TraceQLStatic: the type as Tempo 2.9 numbers it (Kubetrace's <see cref="StaticType"/> is the
    /// same enum), the value in the field of its type; status as TraceQL numbers it, kind in Tempo's order (client 2,
    /// server 3, where OTLP has server 2, client 3); any other type is nil, as in Tempo's traceQLStaticToProto.</summary>
    private static void WriteStatic(Utf8JsonWriter w, Static value)
    {
        w.WriteStartObject();
        var type = value.Type is StaticType.Int or StaticType.Float or StaticType.String or StaticType.Boolean or StaticType.Duration or StaticType.Status or StaticType.Kind
            ? value.Type
            : StaticType.Nil;
        if (type != StaticType.Nil) w.WriteNumber("type", (int)type);
        switch (type)
        {
            case StaticType.Int when value.AsInt != 0:
                w.WriteString("n", value.AsInt.ToString(CultureInfo.InvariantCulture));
                break;
            case StaticType.Float when value.AsFloat != 0:
                if (double.IsFinite(value.AsFloat)) w.WriteNumber("f", value.AsFloat);
                else w.WriteString("f", double.IsNaN(value.AsFloat) ? "NaN" : value.AsFloat > 0 ? "Infinity" : "-Infinity"); // as jsonpb writes them
                break;
            case StaticType.String when value.AsString.Length > 0:
                w.WriteString("s", value.AsString);
                break;
            case StaticType.Boolean when value.AsBool:
                w.WriteBoolean("b", true);
                break;
            case StaticType.Duration when value.AsInt != 0:
                w.WriteString("d", ((ulong)value.AsInt).ToString(CultureInfo.InvariantCulture));
                break;
            case StaticType.Status when value.AsInt != 0:
                w.WriteNumber("status", value.AsInt);
                break;
            case StaticType.Kind when TempoKind(value.AsInt) is var kind and not 0:
                w.WriteNumber("kind", kind);
                break;
        }
        w.WriteEndObject();
    }

    /// <summary>An OTLP span kind as Tempo's traceql.Kind numbers it.</summary>
    private static int TempoKind(long otlpKind) => otlpKind switch { 2 => 3, 3 => 2, _ => (int)otlpKind };

    private static void WriteUInt64(Utf8JsonWriter w, string name, ulong value)
    {
        if (value != 0) w.WriteString(name, value.ToString(CultureInfo.InvariantCulture));
    }
}
