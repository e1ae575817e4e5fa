using System.Globalization;
using System.Text.Json;
using Kubetrace.Query;

namespace Kubetrace.Api.Native;

/// <summary>Native JSON of a search result (docs/api.md).</summary>
public static class NativeWriter
{
    public static void WriteSummary(Utf8JsonWriter w, FoundTrace trace)
    {
        var summary = trace.Summary;
        w.WriteStartObject();
        w.WriteString("traceId", summary.TraceId.ToString());
        w.WriteString("rootService", summary.RootService);
        w.WriteString("rootName", summary.RootName);
        w.WriteBoolean("hasRoot", summary.HasRoot);
        w.WriteString("startTimeUnixNano", summary.StartUnixNano.ToString(CultureInfo.InvariantCulture));
        w.WriteNumber("durationNanos", summary.DurationNano);
        w.WriteNumber("spanCount", summary.SpanCount);
        w.WriteNumber("errorCount", summary.ErrorCount);
        w.WriteStartArray("services");
        foreach (var service in summary.Services) w.WriteStringValue(service);
        w.WriteEndArray();
        w.WriteNumber("matchedSpans", trace.MatchedCount);
        if (trace.Matched.Count > 0)
        {
            w.WriteStartArray("spans");
            foreach (var view in trace.Matched)
            {
                w.WriteStartObject();
                w.WriteString("spanId", Convert.ToHexStringLower(view.Span.SpanId.Span));
                w.WriteString("service", view.ServiceName);
                w.WriteString("name", view.Span.Name);
                w.WriteString("startTimeUnixNano", view.Span.StartTimeUnixNano.ToString(CultureInfo.InvariantCulture));
                w.WriteNumber("durationNanos", view.DurationNanos);
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
        w.WriteEndObject();
    }
}
