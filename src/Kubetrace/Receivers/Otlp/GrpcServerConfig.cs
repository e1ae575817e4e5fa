using Kubetrace.Components;
using Kubetrace.Extensions.Auth;
using Kubetrace.Hosting;
using Kubetrace.Hosting.Tls;

namespace Kubetrace.Receivers.Otlp;

/// <summary><c>protocols.grpc</c>: the Collector's gRPC server settings that apply here.</summary>
public sealed class GrpcServerConfig
{
    public string Endpoint { get; set; } = "localhost:4317";

    /// <summary>TLS with the Collector's server keys; null (absent): plain text.</summary>
    public TlsServerConfig? Tls { get; set; }

    /// <summary>The Collector's <c>auth: authenticator:</c>; null: anyone who reaches the port may send.</summary>
    public AuthenticationConfig? Auth { get; set; }

    /// <summary>Largest accepted message, after decompression, in MiB; bigger ones get RESOURCE_EXHAUSTED (final).</summary>
    public int MaxRecvMsgSizeMib { get; set; } = 4;

    /// <summary>Most concurrent calls on one connection (HTTP/2 streams); 0 keeps the server default (100).</summary>
    public int MaxConcurrentStreams { get; set; }

    /// <summary>Pass the request headers on as <see cref="Pipeline.TraceBatch.Metadata"/>.</summary>
    public bool IncludeMetadata { get; set; }

    public long MaxReceiveMessageBytes => MaxRecvMsgSizeMib * 1024L * 1024L;

    public IEnumerable<ConfigProblem> Validate()
    {
        if (!EndpointAddress.TryParse(Endpoint, out _, out var error)) yield return new("endpoint", error!);
        if (MaxRecvMsgSizeMib <= 0 || MaxRecvMsgSizeMib > 2047)
            yield return new("max_recv_msg_size_mib", "max_recv_msg_size_mib must be between 1 and 2047");
        foreach (var problem in Auth?.Validate() ?? []) yield return problem with { Key = $"auth.{problem.Key}" };
        foreach (var problem in Tls?.Validate() ?? []) yield return problem with { Key = $"tls.{problem.Key}" };
        if (MaxConcurrentStreams < 0) yield return new("max_concurrent_streams", "max_concurrent_streams must not be negative");
    }
}
