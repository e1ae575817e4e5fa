using System.Globalization;
using System.Text.Json;
using Kubetrace.Otlp.Json;
using Kubetrace.Otlp.Proto.Common;
using Kubetrace.Query;
using Kubetrace.Storage;
using ConditionMatcher = Kubetrace.Storage.Query.ConditionMatcher;

namespace Kubetrace.Api.Tempo;

/// <summary>
/// Tempo's SearchResponse in proto3 JSON (64-bit integers as strings): per trace the root service and name
/// (<c>&lt;root span not yet received&gt;</c> while it is missing, as Tempo says), start, duration in ms, the
/// matching spans as one spanset, and per-service span and error counts.
/// </summary>
public static class TempoSearchWriter
{
    public const string NoRoot = "<root span not yet received>";

    /// <summary>The answer up to its first trace (<c>{"traces":[</c>), as every Tempo search answer opens.</summary>
    public static void WriteStart(Utf8JsonWriter w)
    {
        w.WriteStartObject();
        w.WriteStartArray("traces");
    }

    /// <summary>Writes one found trace, showing the attributes <paramref name="query"/> mentions.</summary>
    public static Action<Utf8JsonWriter, FoundTrace> TraceWriter(TraceQuery query)
    {
        var keys = query.Conditions.Select(c => c.Condition)
            .Where(c => c.Scope != AttributeScope.Intrinsic || c.Key is "status" or "kind" or "service")
            .Select(c => (c.Scope == AttributeScope.Intrinsic, c.Key)).Distinct().ToArray();
        return (w, trace) => WriteTrace(w, trace, keys);
    }

    /// <summary>
    /// The answer after its last trace: Tempo's SearchMetrics (one job: the query runs in one process) and the end.
    /// A search cut short by a limit did not complete its job: <c>completedJobs</c> 0 of <c>totalJobs</c> 1, as
    /// Tempo reports a search whose jobs did not all finish (the <c>Kubetrace-Incomplete</c> header names the limit
    /// when it was known before the answer started).
    /// </summary>
    public static void WriteEnd(Utf8JsonWriter w, long inspectedTraces, long? inspectedSpans, bool complete)
    {
        w.WriteEndArray();
        WriteMetrics(w, inspectedTraces, inspectedSpans, complete);
        w.WriteEndObject();
    }

    /// <summary>Tempo's SearchMetrics: what the query read (one job: the query runs in one process).</summary>
    public static void WriteMetrics(Utf8JsonWriter w, long inspectedTraces, long? inspectedSpans, bool complete)
    {
        w.WriteStartObject("metrics");
        w.WriteNumber("inspectedTraces", inspectedTraces);
        if (inspectedSpans is { } spans) w.WriteString("inspectedSpans", spans.ToString(CultureInfo.InvariantCulture));
        w.WriteNumber("completedJobs", complete ? 1 : 0);
        w.WriteNumber("totalJobs", 1);
        w.WriteEndObject();
    }

    private static void WriteTrace(Utf8JsonWriter w, FoundTrace trace, (bool Intrinsic, string Key)[] keys)
    {
        var summary = trace.Summary;
        w.WriteStartObject();
        w.WriteString("traceID", TempoIds.FormatTraceId(summary.TraceId));
        w.WriteString("rootServiceName", summary.HasRoot ? summary.RootService : NoRoot);
        if (summary.HasRoot) w.WriteString("rootTraceName", summary.RootName);
        w.WriteString("startTimeUnixNano", summary.StartUnixNano.ToString(CultureInfo.InvariantCulture));
        w.WriteNumber("durationMs", summary.DurationNano / 1_000_000);
        w.WritePropertyName("spanSet");
        WriteSpanSet(w, trace, keys);
        w.WriteStartArray("spanSets");
        WriteSpanSet(w, trace, keys);
        w.WriteEndArray();
        w.WriteStartObject("serviceStats");
        foreach (var service in trace.ServiceStats)
        {
            w.WriteStartObject(service.Service);
            w.WriteNumber("spanCount", service.Spans);
            if (service.Errors > 0) w.WriteNumber("errorCount", service.Errors);
            w.WriteEndObject();
        }
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void WriteSpanSet(Utf8JsonWriter w, FoundTrace trace, (bool Intrinsic, string Key)[] keys)
    {
        w.WriteStartObject();
        w.WriteStartArray("spans");
        foreach (var view in trace.Matched)
        {
            w.WriteStartObject();
            w.WriteString("spanID", TempoIds.FormatSpanId(view.Span.SpanId));
            w.WriteString("name", view.Span.Name);
            w.WriteString("startTimeUnixNano", view.Span.StartTimeUnixNano.ToString(CultureInfo.InvariantCulture));
            w.WriteString("durationNanos", view.DurationNanos.ToString(CultureInfo.InvariantCulture));
            w.WriteStartArray("attributes");
            foreach (var attribute in QueriedAttributes(view, keys)) CommonJsonWriter.WriteKeyValue(w, attribute);
            w.WriteEndArray();
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteNumber("matched", trace.MatchedCount);
        w.WriteEndObject();
    }

    /// <summary>
    /// Like Tempo, a spanset shows the attributes the query mentioned (span first, then resource), and the
    /// intrinsics service.name, status and kind (<c>{"key":"status","value":{"stringValue":"error"}}</c>).
    /// </summary>
    private static IEnumerable<KeyValue> QueriedAttributes(SpanView view, (bool Intrinsic, string Key)[] keys)
    {
        foreach (var key in keys)
        {
            var found = key switch
            {
                (true, "status") => Text("status", ConditionMatcher.StatusName((int)(view.Span.Status?.Code ?? 0))),
                (true, "kind") => Text("kind", ConditionMatcher.KindName((int)view.Span.Kind)),
                (true, "service") => view.Resource.Resource?.Attributes.FirstOrDefault(a => a.Key == "service.name"),
                _ => view.Span.Attributes.FirstOrDefault(a => a.Key == key.Key)
                     ?? view.Resource.Resource?.Attributes.FirstOrDefault(a => a.Key == key.Key),
            };
            if (found is not null) yield return found;
        }
    }

    private static KeyValue Text(string key, string value) => new() { Key = key, Value = new AnyValue { StringValue = value } };
}
