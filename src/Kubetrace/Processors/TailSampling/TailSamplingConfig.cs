using Kubetrace.Components;
using Kubetrace.Processors.Ottl;

namespace Kubetrace.Processors.TailSampling;

/// <summary>
/// The <c>tail_sampling</c> processor's configuration: the Collector's keys and defaults
/// (processor/tailsamplingprocessor/config.go, factory.go). Policies nest (<c>and</c>, <c>not</c>, <c>drop</c>,
/// <c>composite</c>) with the same shape at every level.
/// </summary>
public sealed class TailSamplingConfig : IValidatableConfig
{
    /// <summary>Time from a trace's first span to its decision.</summary>
    public TimeSpan DecisionWait { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Traces held in memory (pending and recently decided); the oldest is evicted beyond it.</summary>
    public long NumTraces { get; set; } = 50_000;

    /// <summary>
    /// Kubetrace extension: the encoded bytes of buffered spans at most; past it the oldest pending traces are decided
    /// early on the spans they have (num_traces counts traces, whose sizes vary by orders of magnitude). The process
    /// holds about this much plus ~100 bytes per buffered span and one arena slab (docs/benchmarks.md, issue 12).
    /// </summary>
    public long MaxBufferedBytes { get; set; } = 512L * 1024 * 1024;

    /// <summary>A sizing hint in the Collector; Kubetrace pre-sizes its tables with it.</summary>
    public long ExpectedNewTracesPerSec { get; set; }

    public DecisionCacheConfig DecisionCache { get; set; } = new();

    public List<PolicyConfig> Policies { get; set; } = [];

    public IEnumerable<ConfigProblem> Validate()
    {
        if (DecisionWait <= TimeSpan.Zero) yield return new("decision_wait", "decision_wait must be greater than 0");
        if (NumTraces <= 0) yield return new("num_traces", "num_traces must be greater than 0");
        if (MaxBufferedBytes <= 0) yield return new("max_buffered_bytes", "max_buffered_bytes must be greater than 0");
        if (DecisionCache.SampledCacheSize < 0 || DecisionCache.NonSampledCacheSize < 0)
            yield return new("decision_cache", "decision cache sizes must not be negative");
        if (Policies.Count == 0) yield return new("policies", "no policies configured: at least one policy is required");
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < Policies.Count; i++)
        {
            if (Policies[i].Name.Length == 0) yield return new($"policies::{i}::name", "policy name cannot be empty");
            else if (!names.Add(Policies[i].Name))
                yield return new($"policies::{i}::name", $"duplicate policy name \"{Policies[i].Name}\"");
            foreach (var problem in Policies[i].Validate($"policies::{i}")) yield return problem;
        }
    }
}

public sealed class DecisionCacheConfig
{
    /// <summary>Trace IDs remembered as sampled after their data is released, so late spans are kept.</summary>
    public int SampledCacheSize { get; set; }

    /// <summary>Trace IDs remembered as not sampled, so late spans are dropped at once.</summary>
    public int NonSampledCacheSize { get; set; }
}

/// <summary>One policy: a name, a type, and the section of that type (the other sections are ignored, as in the Collector).</summary>
public sealed class PolicyConfig
{
    public string Name { get; set; } = "";

    public string Type { get; set; } = "";

    public LatencyConfig Latency { get; set; } = new();

    public NumericAttributeConfig NumericAttribute { get; set; } = new();

    public ProbabilisticConfig Probabilistic { get; set; } = new();

    public StatusCodeConfig StatusCode { get; set; } = new();

    public StringAttributeConfig StringAttribute { get; set; } = new();

    public RateLimitingConfig RateLimiting { get; set; } = new();

    public BytesLimitingConfig BytesLimiting { get; set; } = new();

    public SpanCountConfig SpanCount { get; set; } = new();

    public TraceStateConfig TraceState { get; set; } = new();

    public BooleanAttributeConfig BooleanAttribute { get; set; } = new();

    public OttlConditionConfig OttlCondition { get; set; } = new();

    public AndConfig And { get; set; } = new();

    public NotConfig Not { get; set; } = new();

    public DropConfig Drop { get; set; } = new();

    public CompositeConfig Composite { get; set; } = new();

    /// <summary>Kubetrace's named policy set for Kubernetes traces (see docs/sampling.md).</summary>
    public KubernetesPolicyConfig Kubernetes { get; set; } = new();

    public IEnumerable<ConfigProblem> Validate(string path)
    {
        var where = $"{Type} policy \"{Name}\"";
        switch (Type)
        {
            case "always_sample" or "latency" or "probabilistic" or "rate_limiting" or "bytes_limiting" or "span_count" or "trace_state"
                or "boolean_attribute" or "kubernetes":
                break;
            case "ottl_condition":
                if (OttlCondition.Span.Count + OttlCondition.Spanevent.Count == 0)
                    yield return new($"{path}::ottl_condition", $"{where}: at least one span or spanevent condition is required");
                foreach (var problem in OttlConfigCheck.Conditions(OttlCondition.Span, OttlContext.Span, $"{path}::ottl_condition::span")) yield return problem;
                foreach (var problem in OttlConfigCheck.Conditions(OttlCondition.Spanevent, OttlContext.SpanEvent, $"{path}::ottl_condition::spanevent"))
                    yield return problem;
                break;
            case "numeric_attribute":
                if (NumericAttribute.MinValue is null && NumericAttribute.MaxValue is null)
                    yield return new($"{path}::numeric_attribute", $"{where}: at least one of min_value and max_value must be set");
                else if (NumericAttribute.MinValue > NumericAttribute.MaxValue)
                    yield return new($"{path}::numeric_attribute::min_value",
                        $"{where}: min_value ({NumericAttribute.MinValue}) must be less than or equal to max_value ({NumericAttribute.MaxValue})");
                break;
            case "status_code":
                if (StatusCode.StatusCodes.Count == 0) yield return new($"{path}::status_code", $"{where}: status_codes must not be empty");
                foreach (var code in StatusCode.StatusCodes)
                    if (code is not ("OK" or "ERROR" or "UNSET"))
                        yield return new($"{path}::status_code::status_codes", $"{where}: unknown status code \"{code}\" (expected OK, ERROR or UNSET)");
                break;
            case "string_attribute":
                if (StringAttribute.Key.Length == 0) yield return new($"{path}::string_attribute::key", $"{where}: key must be set");
                break;
            case "and":
                foreach (var problem in Nested(path, "and::and_sub_policy", And.AndSubPolicy)) yield return problem;
                break;
            case "drop":
                foreach (var problem in Nested(path, "drop::drop_sub_policy", Drop.DropSubPolicy)) yield return problem;
                break;
            case "not":
                if (Not.NotSubPolicy is null) yield return new($"{path}::not", $"{where}: not_sub_policy must be set");
                else foreach (var problem in Not.NotSubPolicy.Validate($"{path}::not::not_sub_policy")) yield return problem;
                break;
            case "composite":
                foreach (var problem in Nested(path, "composite::composite_sub_policy", Composite.CompositeSubPolicy)) yield return problem;
                foreach (var allocation in Composite.RateAllocation)
                    if (Composite.CompositeSubPolicy.All(p => p.Name != allocation.Policy))
                        yield return new($"{path}::composite::rate_allocation", $"{where}: rate_allocation names unknown policy \"{allocation.Policy}\"");
                break;
            default:
                yield return new($"{path}::type", $"unknown sampling policy type \"{Type}\"");
                break;
        }
    }

    private static IEnumerable<ConfigProblem> Nested(string path, string key, List<PolicyConfig> policies)
    {
        if (policies.Count == 0) yield return new($"{path}::{key}", "at least one sub-policy is required");
        for (var i = 0; i < policies.Count; i++)
            foreach (var problem in policies[i].Validate($"{path}::{key}::{i}")) yield return problem;
    }
}

public sealed class LatencyConfig
{
    public long ThresholdMs { get; set; }

    /// <summary>0: no upper bound.</summary>
    public long UpperThresholdMs { get; set; }
}

public sealed class NumericAttributeConfig
{
    public string Key { get; set; } = "";

    public long? MinValue { get; set; }

    public long? MaxValue { get; set; }

    public bool InvertMatch { get; set; }
}

public sealed class ProbabilisticConfig
{
    public string HashSalt { get; set; } = "";

    public double SamplingPercentage { get; set; }

    /// <summary>Kubetrace: decide by the Kubernetes components' TraceIDRatioBased rule instead of the salted hash.</summary>
    public int? SamplingRatePerMillion { get; set; }
}

public sealed class StatusCodeConfig
{
    public List<string> StatusCodes { get; set; } = [];
}

public sealed class StringAttributeConfig
{
    public string Key { get; set; } = "";

    public List<string> Values { get; set; } = [];

    public bool EnabledRegexMatching { get; set; }

    public int CacheMaxSize { get; set; }

    public bool InvertMatch { get; set; }
}

public sealed class RateLimitingConfig
{
    public long SpansPerSecond { get; set; }
}

public sealed class BytesLimitingConfig
{
    public long BytesPerSecond { get; set; }

    /// <summary>0: twice bytes_per_second.</summary>
    public long BurstCapacity { get; set; }
}

public sealed class SpanCountConfig
{
    public int MinSpans { get; set; }

    /// <summary>0: no upper bound.</summary>
    public int MaxSpans { get; set; }
}

public sealed class TraceStateConfig
{
    public string Key { get; set; } = "";

    public List<string> Values { get; set; } = [];
}

public sealed class BooleanAttributeConfig
{
    public string Key { get; set; } = "";

    public bool Value { get; set; }

    public bool InvertMatch { get; set; }
}

public sealed class OttlConditionConfig
{
    /// <summary>propagate (default), ignore or silent; a failing condition never keeps a trace either way.</summary>
    public string ErrorMode { get; set; } = "propagate";

    public List<string> Span { get; set; } = [];

    public List<string> Spanevent { get; set; } = [];
}

public sealed class AndConfig
{
    public List<PolicyConfig> AndSubPolicy { get; set; } = [];
}

public sealed class NotConfig
{
    public PolicyConfig? NotSubPolicy { get; set; }
}

public sealed class DropConfig
{
    public List<PolicyConfig> DropSubPolicy { get; set; } = [];
}

public sealed class CompositeConfig
{
    public long MaxTotalSpansPerSecond { get; set; }

    public List<string> PolicyOrder { get; set; } = [];

    public List<PolicyConfig> CompositeSubPolicy { get; set; } = [];

    public List<RateAllocationConfig> RateAllocation { get; set; } = [];
}

public sealed class RateAllocationConfig
{
    public string Policy { get; set; } = "";

    public long Percent { get; set; }
}

/// <summary>
/// Kubetrace's <c>kubernetes</c> policy: keep every trace that shows a Kubernetes problem, sample the rest at
/// <c>sampling_rate_per_million</c> (the components' TraceIDRatioBased rule, so the same traces end to end).
/// A threshold of 0 turns that check off.
/// </summary>
public sealed class KubernetesPolicyConfig
{
    /// <summary>An apiserver span (service.name apiserver) with status ERROR or an HTTP status of 500 or more.</summary>
    public bool ApiserverErrors { get; set; } = true;

    /// <summary>A "Call mutating/validating webhook" span that never got its response ("Request completed"), or any
    /// span of a webhook call with status ERROR.</summary>
    public bool WebhookFailures { get; set; } = true;

    /// <summary>A webhook call at least this long (the apiserver itself flags calls over 500 ms).</summary>
    public long WebhookSlowMs { get; set; } = 500;

    /// <summary>An apiserver storage span ("… etcd3") or an etcd gRPC client span at least this long.</summary>
    public long EtcdSlowMs { get; set; } = 100;

    /// <summary>A kubelet syncPod span of a pod being created at least this long.</summary>
    public long PodStartSlowMs { get; set; } = 5_000;

    /// <summary>The rate for every other trace, in the components' samplingRatePerMillion unit.</summary>
    public int SamplingRatePerMillion { get; set; } = 10_000;
}
