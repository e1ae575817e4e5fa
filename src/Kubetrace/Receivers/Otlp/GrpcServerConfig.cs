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

    /// <summary>The Collector's <c>keepalive.server_parameters</c>, of which <c>max_connection_idle</c> applies here.</summary>
    public GrpcKeepaliveConfig Keepalive { get; set; } = new();

    /// <summary>Connections open at once; one more is closed as soon as it is accepted (not a Collector key).</summary>
    public int MaxConcurrentConnections { get; set; } = ReceiverConnections.DefaultMax;

    /// <summary>HTTP/2 clients send their headers at once; 10 s is generous and not configurable.</summary>
    public ConnectionLimits ConnectionLimits =>
        new(TimeSpan.FromSeconds(10), Keepalive.ServerParameters.MaxConnectionIdle, MaxConcurrentConnections);

    /// <summary>Pass the request headers on as <see cref="Pipeline.TraceBatch.Metadata"/>.</summary>
    public bool IncludeMetadata { get; set; }

    public long MaxReceiveMessageBytes => MaxRecvMsgSizeMib * 1024L * 1024L;

    public IEnumerable<ConfigProblem> Validate()
    {
        if (!EndpointAddress.TryParse(Endpoint, out _, out var error)) yield return new("endpoint", error!);
        if (MaxRecvMsgSizeMib <= 0 || MaxRecvMsgSizeMib > 2047)
            yield return new("max_recv_msg_size_mib", "max_recv_msg_size_mib must be between 1 and 2047");
        foreach (var problem in Auth?.Validate(namesTenants: true) ?? []) yield return problem with { Key = $"auth.{problem.Key}" };
        foreach (var problem in Tls?.Validate() ?? []) yield return problem with { Key = $"tls.{problem.Key}" };
        if (Keepalive.ServerParameters.MaxConnectionIdle <= TimeSpan.Zero)
            yield return new("keepalive.server_parameters.max_connection_idle", "max_connection_idle must be positive");
        if (ReceiverConnections.CheckMax(MaxConcurrentConnections) is { } connections) yield return connections;
        if (MaxConcurrentStreams < 0) yield return new("max_concurrent_streams", "max_concurrent_streams must not be negative");
    }
}

/// <summary><c>protocols.grpc.keepalive</c>.</summary>
public sealed class GrpcKeepaliveConfig
{
    public GrpcKeepaliveServerParameters ServerParameters { get; set; } = new();
}

/// <summary><c>protocols.grpc.keepalive.server_parameters</c>.</summary>
public sealed class GrpcKeepaliveServerParameters
{
    /// <summary>An HTTP/2 connection without calls for this long is closed (the Collector's default is never; here 2 min).</summary>
    public TimeSpan MaxConnectionIdle { get; set; } = TimeSpan.FromMinutes(2);
}
