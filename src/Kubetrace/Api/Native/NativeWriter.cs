using System.Globalization;
using System.Text.Json;
using Kubetrace.Query;
using Kubetrace.Query.TraceQl;

namespace Kubetrace.Api.Native;

/// <summary>Native JSON of a search result (docs/api.md).</summary>
public static class NativeWriter
{
    /// <summary>
    /// A TraceQL match as a search result: the spans of all its spansets, each once in trace order, are the
    /// matched spans (the first <paramref name="spans"/> of them listed).
    /// </summary>
    public static FoundTrace Found(TraceQlMatch match, int spans)
    {
        var matched = match.Spansets.SelectMany(s => s.Spans).Distinct().OrderBy(s => s.Index).ToList();
        return new FoundTrace(match.Summary, [], matched.Take(spans).Select(s => new SpanView(s.Resource, s.Scope, s.Span)).ToList(), matched.Count);
    }

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
