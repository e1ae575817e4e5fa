using System.Globalization;
using System.Text.Json;
using Kubetrace.Otlp.Proto.Trace;
using Kubetrace.Query;

namespace Kubetrace.Api.Jaeger;

/// <summary>
/// <c>GET /api/v3/trace-summaries</c>, which Jaeger UI calls for its search results since Jaeger v2.19
/// (jaeger-ui #3964; server apiv3/http_gateway.go findTraceSummaries, querysvc/summary.go summarizeTrace): the
/// search of <c>/api/v3/traces</c> answered as FindTraceSummariesResponse in proto3 JSON. Per trace, after the
/// adjusters (a span stored twice counts once): the root (the earliest span without a parent), the first start
/// and last end, span, error and orphan counts (a span whose parent is not in the trace), and per service its
/// span and error counts, by name. No match is an empty answer, not Jaeger's 404 of <c>/api/v3/traces</c>.
/// </summary>
public static class JaegerTraceSummaries
{
    /// <summary>The answer written one trace at a time (a streamed search): the list is left out when empty, as
    /// proto3 JSON leaves out an empty repeated field.</summary>
    public sealed class Writer
    {
        private bool _any;

        public void Open(Utf8JsonWriter w) => w.WriteStartObject();

        public void Write(Utf8JsonWriter w, IReadOnlyList<ResourceSpans> trace)
        {
            if (!_any) w.WriteStartArray("summaries");
            _any = true;
            WriteSummary(w, DuplicateSpans.Remove(trace));
        }

        public void Close(Utf8JsonWriter w)
        {
            if (_any) w.WriteEndArray();
            w.WriteEndObject();
        }
    }

    private sealed class ServiceCounts
    {
        public int Spans;
        public int Errors;
    }

    private static void WriteSummary(Utf8JsonWriter w, IReadOnlyList<ResourceSpans> trace)
    {
        var spanIds = new HashSet<Google.Protobuf.ByteString>();
        foreach (var r in trace)
        foreach (var scope in r.ScopeSpans)
        foreach (var span in scope.Spans)
            spanIds.Add(span.SpanId);

        var services = new SortedDictionary<string, ServiceCounts>(StringComparer.Ordinal);
        Span? root = null;
        string rootService = "";
        ulong minStart = ulong.MaxValue, maxEnd = 0;
        int spans = 0, errors = 0, orphans = 0;
        var traceId = Google.Protobuf.ByteString.Empty;
        foreach (var r in trace)
        {
            var service = SpanView.ServiceNameOf(r);
            if (!services.TryGetValue(service, out var counts)) services[service] = counts = new ServiceCounts();
            foreach (var scope in r.ScopeSpans)
            foreach (var span in scope.Spans)
            {
                traceId = span.TraceId;
                spans++;
                counts.Spans++;
                if (span.Status?.Code == Status.Types.StatusCode.Error)
                {
                    errors++;
                    counts.Errors++;
                }
                minStart = Math.Min(minStart, span.StartTimeUnixNano);
                maxEnd = Math.Max(maxEnd, span.EndTimeUnixNano);
                if (span.ParentSpanId.IsEmpty)
                {
                    if (root is null || span.StartTimeUnixNano < root.StartTimeUnixNano)
                    {
                        root = span;
                        rootService = service;
                    }
                }
                else if (!spanIds.Contains(span.ParentSpanId)) orphans++;
            }
        }

        w.WriteStartObject();
        w.WriteString("traceId", Convert.ToHexStringLower(traceId.Span));
        WriteUnlessEmpty(w, "rootServiceName", rootService);
        WriteUnlessEmpty(w, "rootOperationName", root?.Name ?? "");
        if (spans > 0)
        {
            w.WriteString("minStartTimeUnixNano", minStart.ToString(CultureInfo.InvariantCulture));
            w.WriteString("maxEndTimeUnixNano", maxEnd.ToString(CultureInfo.InvariantCulture));
        }
        WriteUnlessZero(w, "spanCount", spans);
        WriteUnlessZero(w, "errorSpanCount", errors);
        WriteUnlessZero(w, "orphanSpanCount", orphans);
        w.WriteStartArray("services");
        foreach (var (name, counts) in services.Where(s => s.Value.Spans > 0))
        {
            w.WriteStartObject();
            WriteUnlessEmpty(w, "name", name);
            WriteUnlessZero(w, "spanCount", counts.Spans);
            WriteUnlessZero(w, "errorSpanCount", counts.Errors);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    // proto3 JSON leaves fields at their default out, as Jaeger's gateway answers.
    private static void WriteUnlessEmpty(Utf8JsonWriter w, string name, string value)
    {
        if (value.Length > 0) w.WriteString(name, value);
    }

    private static void WriteUnlessZero(Utf8JsonWriter w, string name, int value)
    {
        if (value != 0) w.WriteNumber(name, value);
    }
}
