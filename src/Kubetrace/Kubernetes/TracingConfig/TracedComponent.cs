namespace Kubetrace.Kubernetes.TracingConfig;

/// <summary>The cluster components whose own tracing <c>kubetrace k8s tracing-config</c> configures.</summary>
public enum TracedComponent
{
    ApiServer,
    Kubelet,
    Etcd,
    Containerd,
}

public static class TracedComponents
{
    /// <summary>The names accepted by <c>--component</c>.</summary>
    private static readonly string[] AllNames = ["apiserver", "kubelet", "etcd", "containerd"];

    public static IReadOnlyList<string> Names => AllNames;

    public static string NameOf(TracedComponent component) => Names[(int)component];

    public static TracedComponent? Parse(string text) =>
        Array.IndexOf(AllNames, text.Trim().ToLowerInvariant()) is var index and >= 0 ? (TracedComponent)index : null;

    /// <summary>The sampling rate generated when none is given: what each component's documentation recommends.</summary>
    public static int DefaultSamplingRatePerMillion(TracedComponent component) => component switch
    {
        // etcd samples ParentBased: at 0 it records exactly the requests the apiserver sampled, and starts no
        // traces of its own (etcd's default, and what KEP-647 pairs with the apiserver's rate).
        TracedComponent.Etcd => 0,
        // The Kubernetes documentation's example: 1 in 10,000. containerd gets the kubelet's rate so that, where
        // it samples by trace ID alone (1.6), it keeps the same traces as the kubelet.
        _ => 100,
    };
}
