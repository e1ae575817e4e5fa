namespace Kubetrace.Kubernetes.TracingConfig;

/// <summary>Where a Kubernetes feature gate stands in one release, which decides whether it must be written.</summary>
public enum FeatureStage
{
    /// <summary>The feature does not exist in that release.</summary>
    Absent,

    /// <summary>Off by default: the gate must be set to true.</summary>
    Alpha,

    /// <summary>On by default: the gate may be omitted (setting it false turns the feature off).</summary>
    Beta,

    /// <summary>Locked on: setting the gate is accepted with a warning until it is removed; false is rejected.</summary>
    GA,
}

/// <summary>The releases at which a feature gate entered alpha, beta and GA.</summary>
public sealed record FeatureGate(string Name, KubernetesVersion Alpha, KubernetesVersion Beta, KubernetesVersion GA)
{
    public FeatureStage StageIn(KubernetesVersion version) =>
        version >= GA ? FeatureStage.GA
        : version >= Beta ? FeatureStage.Beta
        : version >= Alpha ? FeatureStage.Alpha
        : FeatureStage.Absent;

    /// <summary>True when the component only traces if the gate is set explicitly.</summary>
    public bool MustBeEnabledIn(KubernetesVersion version) => StageIn(version) == FeatureStage.Alpha;
}
