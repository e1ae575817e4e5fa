using Google.Protobuf;
using Grpc.Core;
using Kubetrace.Exporters.Otlp;
using Kubetrace.Otlp;
using Kubetrace.Otlp.Proto.Collector;
using Kubetrace.Otlp.Wire;
using Kubetrace.Receivers.Otlp.Admission;

namespace Kubetrace.Receivers.Otlp.Grpc;

/// <summary>The gRPC adapter: raw request bytes in, <see cref="TraceExportService"/>, gRPC status out.</summary>
/// <param name="tenantClaim">The listener's <c>auth.tenant_claim</c> (<see cref="ReceiverTenant"/>).</param>
internal sealed class GrpcTraceService(TraceExportService exports, bool includeMetadata, string? tenantClaim = null)
{
    public async Task<ExportTraceServiceResponse> Export(byte[] message, ServerCallContext context)
    {
        var features = context.GetHttpContext().Features;
        // A gzip message was decompressed before gRPC read the (then empty) body: GzipMessageInflater.
        var request = features.Get<InflatedMessage>()?.Payload ?? message;
        // Taken with the frame's (perhaps compressed) length before the message was read; now its decompressed size.
        if (features.Get<InFlightLease>() is { } lease && !lease.TryGrowTo(request.Length))
            throw ToRpcException(lease.Refusal());
        var metadata = includeMetadata ? ClientMetadata.From(context.RequestHeaders.Where(h => !h.IsBinary).Select(h => KeyValuePair.Create(h.Key, h.Value))) : null;
        if (ReceiverTenant.Apply(exports, context.RequestHeaders.GetValue(Pipeline.Tenants.MetadataKey),
                Kubetrace.Extensions.Auth.AuthenticationGate.PrincipalOf(context.GetHttpContext()), tenantClaim, ref metadata) is { } refusal)
            throw new RpcException(new Status(refusal.Kind switch
            {
                TenantRefusalKind.Missing => StatusCode.Unauthenticated,
                TenantRefusalKind.Forbidden => StatusCode.PermissionDenied,
                _ => StatusCode.InvalidArgument,
            }, refusal.Message));
        DecodedTraces decoded;
        try
        {
            decoded = TraceRequestDecoder.DecodeProtobuf(request, metadata, exports.Limits);
        }
        catch (ProtobufFormatException e)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, e.Message));
        }

        var (response, failure) = await exports.ExportAsync(decoded, context.CancellationToken).ConfigureAwait(false);
        if (failure is null) return response!;
        throw ToRpcException(failure);
    }

    private static RpcException ToRpcException(ExportFailure failure)
    {
        var trailers = new Metadata();
        var details = failure.ToRpcStatus();
        if (details.Details.Count > 0) trailers.Add(GrpcRetryInfo.TrailerKey, details.ToByteArray());
        return new RpcException(new Status(failure.GrpcStatus, failure.Message), trailers);
    }
}
