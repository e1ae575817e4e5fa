using Kubetrace.Components;
using Kubetrace.Hosting;
using Kubetrace.Receivers.Otlp.Admission;

namespace Kubetrace.Receivers.Otlp;

/// <summary>
/// The <c>otlp</c> receiver's configuration, as in the Collector: <c>protocols.grpc</c> and <c>protocols.http</c>.
/// A protocol whose section is absent is off; a section present but empty (<c>grpc:</c>) is on with defaults.
/// </summary>
public sealed class OtlpReceiverConfig : IValidatableConfig, IListeningConfig
{
    public IEnumerable<ListenerSetting> Listeners
    {
        get
        {
            if (Protocols.Grpc is { } grpc) yield return new("protocols::grpc::endpoint", grpc.Endpoint, e => grpc.Endpoint = e);
            if (Protocols.Http is { } http) yield return new("protocols::http::endpoint", http.Endpoint, e => http.Endpoint = e);
        }
    }

    public ProtocolsConfig Protocols { get; set; } = new();

    /// <summary>What one received span may hold, on both protocols (docs: Receivers/Otlp/README.md).</summary>
    public SpanLimitsConfig SpanLimits { get; set; } = new();

    /// <summary>The in-flight bytes budget shared by both protocols (docs: Receivers/Otlp/README.md, Overload).</summary>
    public AdmissionConfig Admission { get; set; } = new();

    public IEnumerable<ConfigProblem> Validate()
    {
        if (Protocols.Grpc is null && Protocols.Http is null)
        {
            yield return new("protocols", "must specify at least one protocol when using the OTLP receiver (grpc or http)");
            yield break;
        }
        foreach (var problem in SpanLimits.Validate()) yield return problem with { Key = $"span_limits.{problem.Key}" };
        foreach (var problem in Admission.Validate(Protocols.Grpc, Protocols.Http)) yield return problem with { Key = $"admission.{problem.Key}" };
        foreach (var problem in Protocols.Grpc?.Validate() ?? []) yield return problem with { Key = $"protocols.grpc.{problem.Key}" };
        foreach (var problem in Protocols.Http?.Validate() ?? []) yield return problem with { Key = $"protocols.http.{problem.Key}" };
        if (Protocols.Grpc is { } grpc && Protocols.Http is { } http &&
            EndpointAddress.TryParse(grpc.Endpoint, out var grpcAddress, out _) &&
            EndpointAddress.TryParse(http.Endpoint, out var httpAddress, out _) &&
            grpcAddress.Port != 0 && grpcAddress == httpAddress)
        {
            yield return new("protocols.http.endpoint", $"grpc and http cannot both listen on {http.Endpoint}");
        }
    }
}

public sealed class ProtocolsConfig
{
    /// <summary>OTLP/gRPC; null (section absent) means off.</summary>
    public GrpcServerConfig? Grpc { get; set; }

    /// <summary>OTLP/HTTP; null (section absent) means off.</summary>
    public HttpServerConfig? Http { get; set; }
}
