using System.Buffers;
using Grpc.Core;
using Kubetrace.Otlp.Proto.Collector;

namespace Kubetrace.Receivers.Otlp.Grpc;

/// <summary>
/// <c>TraceService/Export</c> declared by hand with a pass-through request marshaller: the handler gets the
/// message's bytes (already decompressed and size-checked by gRPC), not a parsed object, so that the wire scanner
/// can validate them and pass them on without decoding.
/// </summary>
internal static class RawExportMethod
{
    private static readonly Marshaller<byte[]> RawRequest = Marshallers.Create(
        serializer: static (byte[] bytes, SerializationContext context) => context.Complete(bytes),
        // One exact-size copy out of the transport's buffers; the array then belongs to the batch.
        deserializer: static context => CopyPayload(context.PayloadAsReadOnlySequence()));

    private static readonly Marshaller<ExportTraceServiceResponse> Response = Marshallers.Create(
        serializer: static (response, context) =>
        {
            var size = response.CalculateSize();
            context.SetPayloadLength(size);
            Google.Protobuf.MessageExtensions.WriteTo(response, context.GetBufferWriter());
            context.Complete();
        },
        deserializer: static context => ExportTraceServiceResponse.Parser.ParseFrom(context.PayloadAsReadOnlySequence()));

    /// <summary>
    /// Like <c>PayloadAsNewBuffer</c>, but without first zeroing the array (a few hundred KiB per request) that the
    /// copy overwrites completely.
    /// </summary>
    private static byte[] CopyPayload(ReadOnlySequence<byte> payload)
    {
        var bytes = GC.AllocateUninitializedArray<byte>(checked((int)payload.Length));
        payload.CopyTo(bytes);
        return bytes;
    }

    public static readonly Method<byte[], ExportTraceServiceResponse> Export = new(
        MethodType.Unary, "opentelemetry.proto.collector.trace.v1.TraceService", "Export", RawRequest, Response);
}
