using Kubetrace.Otlp.Proto.Trace;
using Kubetrace.Storage.Model;

namespace Kubetrace.Storage.Scan;

/// <summary>
/// The simple, correct way to scan any <see cref="ITraceStore"/>: find the traces in range through
/// <see cref="ITraceStore.FetchAsync"/>, read each whole trace and flatten it. A store with columnar data gives
/// a faster scan of its own; tests compare the two.
/// </summary>
public static class TraceObjectScan
{
    /// <summary>Most traces one scan reads this way.</summary>
    public const int MaxTraces = 1_000_000;

    public static async ValueTask ScanAsync(ITraceStore store, SpanScanRequest request, Action<ScannedTrace> visitor,
        CancellationToken cancellationToken)
    {
        var matches = await store.FetchAsync(new FetchRequest(request.Range, [], AllConditions: true, MaxTraces),
            cancellationToken).ConfigureAwait(false);
        var trace = new ScannedTrace();
        foreach (var match in matches)
        {
            if (request.Services is { } services && !match.Summary.Services.Any(services.Contains)) continue;
            var spans = await store.GetTraceAsync(match.Summary.TraceId, cancellationToken).ConfigureAwait(false);
            if (spans is null) continue; // removed by retention since the fetch
            Fill(trace, match.Summary.TraceId, spans, request);
            visitor(trace);
        }
    }

    /// <summary>Flattens a trace as stored (OTLP objects) into <paramref name="trace"/>.</summary>
    public static void Fill(ScannedTrace trace, TraceId traceId, IReadOnlyList<ResourceSpans> spans, SpanScanRequest request)
    {
        trace.TraceId = traceId;
        trace.Spans.Clear();
        foreach (var resource in spans)
        {
            var resourceAttributes = resource.Resource?.Attributes;
            var service = "";
            foreach (var attribute in resourceAttributes ?? [])
                if (attribute.Key == "service.name") service = attribute.Value?.StringValue ?? "";
            foreach (var scope in resource.ScopeSpans)
            foreach (var span in scope.Spans)
                trace.Spans.Add(Flatten(span, service, resourceAttributes, request));
        }
    }

    private static ScannedSpan Flatten(Span span, string service,
        Google.Protobuf.Collections.RepeatedField<Otlp.Proto.Common.KeyValue>? resourceAttributes, SpanScanRequest request)
    {
        var values = new string?[request.AttributeKeys.Count];
        for (var i = 0; i < values.Length; i++)
            values[i] = EventValueKey.TryParse(request.AttributeKeys[i], out var eventName, out var eventKey)
                ? EventValue(span, eventName, eventKey)
                : Find(span.Attributes, request.AttributeKeys[i]) ?? Find(resourceAttributes, request.AttributeKeys[i]);
        return new ScannedSpan
        {
            SpanId = SpanIds.FromByteString(span.SpanId),
            ParentSpanId = span.ParentSpanId.IsEmpty ? 0 : SpanIds.FromByteString(span.ParentSpanId),
            Service = service,
            Name = span.Name,
            Kind = span.Kind,
            StartUnixNano = (long)span.StartTimeUnixNano,
            EndUnixNano = (long)span.EndTimeUnixNano,
            StatusCode = (int)(span.Status?.Code ?? Status.Types.StatusCode.Unset),
            StatusMessage = string.IsNullOrEmpty(span.Status?.Message) ? null : span.Status.Message,
            Values = values,
            TraceState = span.TraceState.Length == 0 ? null : span.TraceState,
            Links = span.Links.Count == 0 ? [] : span.Links
                .Select(l => new ScannedLink(TraceId.FromByteString(l.TraceId), SpanIds.FromByteString(l.SpanId))).ToArray(),
        };
    }

    /// <summary>An <see cref="EventValueKey"/>'s value: the attribute summed over the span's events of that name (their count for no attribute).</summary>
    private static string? EventValue(Span span, string eventName, string attributeKey)
    {
        double? sum = null;
        foreach (var e in span.Events)
        {
            if (e.Name != eventName) continue;
            if (attributeKey.Length == 0) sum = (sum ?? 0) + 1;
            else if (e.Attributes.FirstOrDefault(a => a.Key == attributeKey)?.Value is { } value)
            {
                double? number = value.ValueCase switch
                {
                    Otlp.Proto.Common.AnyValue.ValueOneofCase.IntValue => value.IntValue,
                    Otlp.Proto.Common.AnyValue.ValueOneofCase.DoubleValue => value.DoubleValue,
                    _ => null,
                };
                if (number is { } n) sum = (sum ?? 0) + n;
            }
        }
        return sum?.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    private static string? Find(Google.Protobuf.Collections.RepeatedField<Otlp.Proto.Common.KeyValue>? attributes, string key)
    {
        if (attributes is null) return null;
        foreach (var attribute in attributes)
            if (attribute.Key == key) return StoredValue.TextOf(attribute.Value ?? new Otlp.Proto.Common.AnyValue());
        return null;
    }
}
