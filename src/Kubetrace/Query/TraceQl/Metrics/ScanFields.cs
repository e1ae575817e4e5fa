using Google.Protobuf;
using Kubetrace.Otlp.Proto.Common;
using Kubetrace.Otlp.Proto.Resource;
using Kubetrace.Otlp.Proto.Trace;
using Kubetrace.Storage.Scan;

namespace Kubetrace.Query.TraceQl.Metrics;

/// <summary>
/// The span scan carries a span's ids, name, kind, status, times and service: a metrics query that reads nothing
/// else (e.g. <c>{ status = error } | rate() by (resource.service.name)</c>) can run on the scan instead of
/// decoding whole traces. <see cref="ToTrace"/> rebuilds the OTLP shape the evaluator reads.
/// </summary>
internal static class ScanFields
{
    public static bool Covers(Pipeline pipeline, MetricsAggregate metrics) =>
        metrics.Op != MetricsOp.Compare && AttributeRefs.In(pipeline).All(Supported) && (metrics.Attribute is null || Supported(metrics.Attribute)) && metrics.By.All(Supported);

    private static bool Supported(AttributeRef a) =>
        a.Intrinsic is Intrinsic.Duration or Intrinsic.Name or Intrinsic.Status or Intrinsic.StatusMessage or Intrinsic.Kind
            or Intrinsic.ChildCount or Intrinsic.TraceRootService or Intrinsic.TraceRootSpan or Intrinsic.TraceDuration
            or Intrinsic.NestedSetLeft or Intrinsic.NestedSetRight or Intrinsic.NestedSetParent
        || a is { Intrinsic: Intrinsic.None, Parent: false, Scope: AttributeScope.Resource, Name: "service.name" };

    /// <summary>The scanned trace as OTLP: one resource per service, spans with the scanned fields.</summary>
    public static List<ResourceSpans> ToTrace(ScannedTrace scanned)
    {
        var traceId = ByteString.CopyFrom(scanned.TraceId.ToBytes());
        var byService = new Dictionary<string, ScopeSpans>(StringComparer.Ordinal);
        var trace = new List<ResourceSpans>();
        foreach (var s in scanned.Spans)
        {
            if (!byService.TryGetValue(s.Service, out var scope))
            {
                scope = new ScopeSpans();
                var resource = new ResourceSpans
                {
                    Resource = new Resource { Attributes = { new KeyValue { Key = "service.name", Value = new AnyValue { StringValue = s.Service } } } },
                };
                resource.ScopeSpans.Add(scope);
                trace.Add(resource);
                byService[s.Service] = scope;
            }
            var span = new Span
            {
                TraceId = traceId,
                SpanId = Id(s.SpanId),
                ParentSpanId = s.ParentSpanId == 0 ? ByteString.Empty : Id(s.ParentSpanId),
                Name = s.Name,
                Kind = s.Kind,
                StartTimeUnixNano = (ulong)s.StartUnixNano,
                EndTimeUnixNano = (ulong)s.EndUnixNano,
            };
            if (s.StatusCode != 0 || s.StatusMessage is not null)
                span.Status = new Status { Code = (Status.Types.StatusCode)s.StatusCode, Message = s.StatusMessage ?? "" };
            scope.Spans.Add(span);
        }
        return trace;
    }

    private static ByteString Id(ulong id)
    {
        Span<byte> bytes = stackalloc byte[8];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(bytes, id);
        return ByteString.CopyFrom(bytes);
    }
}
