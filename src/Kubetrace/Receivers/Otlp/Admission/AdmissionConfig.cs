using Kubetrace.Components;

namespace Kubetrace.Receivers.Otlp.Admission;

/// <summary>
/// <c>receivers.otlp.admission</c>: the in-flight bytes budget shared by both protocols, with the key of the
/// Collector's otelarrow receiver (<c>admission.request_limit_mib</c>, default 128).
/// </summary>
public sealed class AdmissionConfig
{
    private const long MiB = 1024 * 1024;

    /// <summary>Decompressed request bytes held at once, in MiB; a request that does not fit is refused (retryable).</summary>
    public int RequestLimitMib { get; set; } = 128;

    public long RequestLimitBytes => RequestLimitMib * MiB;

    /// <summary>The limit must hold the largest single request each protocol accepts, or that request could never pass.</summary>
    public IEnumerable<ConfigProblem> Validate(GrpcServerConfig? grpc, HttpServerConfig? http)
    {
        if (RequestLimitMib <= 0)
        {
            yield return new("request_limit_mib", $"must be positive (got {RequestLimitMib})");
            yield break;
        }
        if (grpc is not null && grpc.MaxReceiveMessageBytes > RequestLimitBytes)
            yield return new("request_limit_mib",
                $"{RequestLimitMib} MiB is less than protocols.grpc.max_recv_msg_size_mib ({grpc.MaxRecvMsgSizeMib} MiB): a request of that size could never be admitted");
        if (http is not null && http.MaxRequestBodySize > RequestLimitBytes)
            yield return new("request_limit_mib",
                $"{RequestLimitMib} MiB is less than protocols.http.max_request_body_size ({http.MaxRequestBodySize} bytes): a request of that size could never be admitted");
    }
}
