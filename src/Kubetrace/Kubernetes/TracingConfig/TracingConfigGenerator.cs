namespace Kubetrace.Kubernetes.TracingConfig;

/// <summary>Generates what one component needs to send its traces to an OTLP endpoint.</summary>
public static class TracingConfigGenerator
{
    public static GenerationResult Generate(TracingConfigRequest request)
    {
        if (!SamplingRate.IsValid(request.SamplingRatePerMillion))
            return GenerationResult.Fail($"the sampling rate must be from 0 to {SamplingRate.PerMillionMax} per million, got {request.SamplingRatePerMillion}");
        if (TracingEndpoint.Problem(request.Endpoint) is { } problem)
            return GenerationResult.Fail($"endpoint {problem}");
        return request.Component switch
        {
            TracedComponent.ApiServer => ApiServerTracing.Generate(request),
            TracedComponent.Kubelet => KubeletTracing.Generate(request),
            TracedComponent.Etcd => EtcdTracing.Generate(request),
            _ => ContainerdTracing.Generate(request),
        };
    }
}
