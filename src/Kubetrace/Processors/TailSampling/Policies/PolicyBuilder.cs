namespace Kubetrace.Processors.TailSampling.Policies;

/// <summary>Builds the policy tree of a validated configuration.</summary>
internal static class PolicyBuilder
{
    public static SamplingPolicy Build(PolicyConfig config) => config.Type switch
    {
        "always_sample" => new AlwaysSamplePolicy(config.Name),
        "latency" => new LatencyPolicy(config.Name, config.Latency),
        "status_code" => new StatusCodePolicy(config.Name, config.StatusCode),
        "span_count" => new SpanCountPolicy(config.Name, config.SpanCount),
        "string_attribute" => new StringAttributePolicy(config.Name, config.StringAttribute),
        "numeric_attribute" => new NumericAttributePolicy(config.Name, config.NumericAttribute),
        "boolean_attribute" => new BooleanAttributePolicy(config.Name, config.BooleanAttribute),
        "trace_state" => new TraceStatePolicy(config.Name, config.TraceState),
        "probabilistic" => new ProbabilisticPolicy(config.Name, config.Probabilistic),
        "rate_limiting" => new RateLimitingPolicy(config.Name, config.RateLimiting),
        "bytes_limiting" => new BytesLimitingPolicy(config.Name, config.BytesLimiting),
        "and" => new AndPolicy(config.Name, config.And.AndSubPolicy.Select(Build).ToArray()),
        "not" => new NotPolicy(config.Name, Build(config.Not.NotSubPolicy!)),
        "drop" => new DropPolicy(config.Name, config.Drop.DropSubPolicy.Select(Build).ToArray()),
        "composite" => new CompositePolicy(config.Name, config.Composite,
            config.Composite.CompositeSubPolicy.ToDictionary(p => p.Name, Build)),
        "kubernetes" => new KubernetesPolicy(config.Name, config.Kubernetes),
        "ottl_condition" => new OttlConditionPolicy(config.Name, config.OttlCondition),
        _ => throw new NotSupportedException($"sampling policy type \"{config.Type}\" of policy \"{config.Name}\" is not supported"),
    };
}
