using System.Globalization;
using System.Text.Json;
using Kubetrace.Otlp.Json;
using Kubetrace.Otlp.Proto.Common;
using Kubetrace.Query;
using Kubetrace.Query.TraceQl;

namespace Kubetrace.Api.Tempo;

/// <summary>
/// Tempo's SearchResponse for a TraceQL search: per trace its root, start and duration, every spanset the pipeline
/// produced (at most <c>spss</c> spans each, the count of all in <c>matched</c>, and the spanset's computed
/// attributes such as <c>by(...)</c> and <c>count()</c>), and per-service span and error counts. A span shows the
/// attributes the query mentioned, as Tempo's fetch layer returns them: its name only when the query reads it.
/// </summary>
public static class TempoTraceQlWriter
{
    public static void Write(Utf8JsonWriter w, TraceQlSearchResult result, RootExpr query, int spansPerSpanset)
    {
        var write = TraceWriter(query, spansPerSpanset);
        TempoSearchWriter.WriteStart(w);
        foreach (var trace in result.Traces) write(w, trace);
        TempoSearchWriter.WriteEnd(w, result.Cost.InspectedTraces, result.Cost.InspectedSpans, result.Incomplete is null);
    }

    /// <summary>Writes one match: its spansets with the attributes the query reads.</summary>
    public static Action<Utf8JsonWriter, TraceQlMatch> TraceWriter(RootExpr query, int spansPerSpanset)
    {
        var shown = ShownAttributes(query.SearchPipeline!);
        var showName = shown.Remove(AttributeRef.Of(Intrinsic.Name));
        return (w, trace) => WriteTrace(w, trace, shown, showName, spansPerSpanset);
    }

    /// <summary>Tempo's SearchMetrics of a query that ran to its end.</summary>
    public static void WriteMetrics(Utf8JsonWriter w, QueryCost cost) =>
        TempoSearchWriter.WriteMetrics(w, cost.InspectedTraces, cost.InspectedSpans, complete: true);

    private static void WriteTrace(Utf8JsonWriter w, TraceQlMatch trace, HashSet<AttributeRef> shown, bool showName, int spss)
    {
        var summary = trace.Summary;
        w.WriteStartObject();
        w.WriteString("traceID", TempoIds.FormatTraceId(summary.TraceId));
        w.WriteString("rootServiceName", summary.HasRoot ? summary.RootService : TempoSearchWriter.NoRoot);
        if (summary.HasRoot) w.WriteString("rootTraceName", summary.RootName);
        w.WriteString("startTimeUnixNano", summary.StartUnixNano.ToString(CultureInfo.InvariantCulture));
        w.WriteNumber("durationMs", summary.DurationNano / 1_000_000);
        if (trace.Spansets.Count > 0)
        {
            w.WritePropertyName("spanSet");
            WriteSpanset(w, trace.Spansets[0], shown, showName, spss);
        }
        w.WriteStartArray("spanSets");
        foreach (var spanset in trace.Spansets) WriteSpanset(w, spanset, shown, showName, spss);
        w.WriteEndArray();
        WriteServiceStats(w, trace.Spans);
        w.WriteEndObject();
    }

    /// <summary>Spans and errors per service of the whole trace.</summary>
    private static void WriteServiceStats(Utf8JsonWriter w, IReadOnlyList<Otlp.Proto.Trace.ResourceSpans> spans)
    {
        w.WriteStartObject("serviceStats");
        foreach (var group in SpanView.All(spans).GroupBy(v => v.ServiceName).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            w.WriteStartObject(group.Key);
            w.WriteNumber("spanCount", group.Count());
            var errors = group.Count(v => v.Span.Status?.Code == Otlp.Proto.Trace.Status.Types.StatusCode.Error);
            if (errors > 0) w.WriteNumber("errorCount", errors);
            w.WriteEndObject();
        }
        w.WriteEndObject();
    }

    private static void WriteSpanset(Utf8JsonWriter w, Spanset spanset, HashSet<AttributeRef> shown, bool showName, int spss)
    {
        w.WriteStartObject();
        w.WriteStartArray("spans");
        foreach (var span in spanset.Spans.Take(spss))
        {
            w.WriteStartObject();
            w.WriteString("spanID", TempoIds.FormatSpanId(span.Span.SpanId));
            if (showName && span.Span.Name.Length > 0) w.WriteString("name", span.Span.Name);
            w.WriteString("startTimeUnixNano", span.Span.StartTimeUnixNano.ToString(CultureInfo.InvariantCulture));
            w.WriteString("durationNanos", span.DurationNanos.ToString(CultureInfo.InvariantCulture));
            var attributes = shown
                .Select(a => (Key: KeyOf(a), Value: Evaluator.Lookup(a, new Evaluator.SpanContext(span))))
                .Where(a => !a.Value.IsNil)
                .DistinctBy(a => a.Key)
                .OrderBy(a => a.Key, StringComparer.Ordinal)
                .ToList();
            if (attributes.Count > 0)
            {
                w.WriteStartArray("attributes");
                foreach (var (key, value) in attributes) WriteAttribute(w, key, value);
                w.WriteEndArray();
            }
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteNumber("matched", spanset.Spans.Count);
        if (spanset.Attributes.Count > 0)
        {
            w.WriteStartArray("attributes");
            foreach (var (key, value) in spanset.Attributes) WriteAttribute(w, key, value);
            w.WriteEndArray();
        }
        w.WriteEndObject();
    }

    private static void WriteAttribute(Utf8JsonWriter w, string key, Static value) =>
        CommonJsonWriter.WriteKeyValue(w, new KeyValue { Key = key, Value = ToAnyValue(value) });

    /// <summary>A value as OTLP carries it; types OTLP lacks (durations, status, kind, nil) as text.</summary>
    public static AnyValue ToAnyValue(Static value) => value.Type switch
    {
        StaticType.String => new AnyValue { StringValue = value.AsString },
        StaticType.Int => new AnyValue { IntValue = value.AsInt },
        StaticType.Float => new AnyValue { DoubleValue = value.AsFloat },
        StaticType.Boolean => new AnyValue { BoolValue = value.AsBool },
        _ when value.IsArray => new AnyValue { ArrayValue = new ArrayValue { Values = { value.Elements().Select(ToAnyValue) } } },
        _ => new AnyValue { StringValue = value.Encode(quotes: false) },
    };

    private static string KeyOf(AttributeRef a) => a.Intrinsic != Intrinsic.None ? a.Intrinsic.Text() : a.Name;

    /// <summary>Attributes the query reads on spans (trace-level intrinsics and the span's own fields excluded).</summary>
    private static HashSet<AttributeRef> ShownAttributes(Query.TraceQl.Pipeline pipeline)
    {
        var shown = AttributeRefs.In(pipeline).ToHashSet();
        shown.RemoveWhere(a => a.Intrinsic is Intrinsic.Duration or Intrinsic.TraceDuration or Intrinsic.TraceRootService
            or Intrinsic.TraceRootSpan or Intrinsic.TraceId or Intrinsic.SpanId or Intrinsic.Parent || a.Parent);
        return shown;
    }
}
