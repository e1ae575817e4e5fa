using Grpc.Core;
using Kubetrace.Otlp.Proto.Collector;
using Kubetrace.Pipeline;

namespace Kubetrace.Exporters.Otlp;

/// <summary>
/// The TraceService/Export method with a request marshaller that copies the batch's protobuf bytes straight into
/// the gRPC frame: a batch that arrived as bytes leaves as the same bytes, never decoded or re-serialized.
/// </summary>
internal static class PassThroughMarshallers
{
    private static readonly Marshaller<TraceBatch> Request = new(
        (batch, context) =>
        {
            // Segment by segment: a merged batch goes into the frame without being joined first.
            context.SetPayloadLength(batch.EncodedSize);
            var output = context.GetBufferWriter();
            foreach (var segment in batch.EncodedSegments)
            {
                segment.Span.CopyTo(output.GetSpan(segment.Length));
                output.Advance(segment.Length);
            }
            context.Complete();
        },
        _ => throw new NotSupportedException("the exporter never receives requests"));

    private static readonly Marshaller<ExportTraceServiceResponse> Response = new(
        (_, _) => throw new NotSupportedException("the exporter never sends responses"),
        context => ExportTraceServiceResponse.Parser.ParseFrom(context.PayloadAsReadOnlySequence()));

    public static Method<TraceBatch, ExportTraceServiceResponse> Export { get; } = new(
        MethodType.Unary, "opentelemetry.proto.collector.trace.v1.TraceService", "Export", Request, Response);
}
