using Kubetrace.Kubernetes.Catalog;

namespace Kubetrace.Kubernetes.Simulation;

/// <summary>
/// The etcd release the simulated cluster runs, to the patch where tracing changes (<see cref="EtcdCatalog"/>):
/// the sampler differs within 3.5 (3.5.0–3.5.4 AlwaysOn roots, 3.5.5–3.5.10 none, 3.5.11+ a rate), the server
/// spans' otelgrpc changes at 3.5.11 (no more message events) and 3.7 (new conventions), and only 3.7 adds its own
/// request spans (<c>range</c>, <c>txn</c>, <c>compact</c>, <c>lease_grant</c>, <c>lease_revoke</c>).
/// </summary>
public readonly record struct EtcdVersion(ComponentRelease Release)
{
    /// <summary><c>3.5</c> without a patch: the latest 3.5 patch (a sampling-rate flag, no message events).</summary>
    public static readonly EtcdVersion V3_5 = new(ComponentRelease.Etcd(5, ComponentRelease.LastPatch));
    public static readonly EtcdVersion V3_6 = new(ComponentRelease.Etcd(6, ComponentRelease.LastPatch));
    public static readonly EtcdVersion V3_7 = new(ComponentRelease.Etcd(7, ComponentRelease.LastPatch));

    public bool RequestSpans => EtcdCatalog.HasRequestSpans(Release);

    public EtcdSampling Sampling => EtcdCatalog.SamplingOf(Release);

    public bool ServerMessageEvents => EtcdCatalog.HasMessageEvents(Release);

    public bool NewRpcConventions => EtcdCatalog.NewRpcConventions(Release);

    /// <summary>The apiserver's ConsistentListFromCache needs etcd's RequestWatchProgress (3.5.13+; feature_support_checker.go).</summary>
    public bool SupportsWatchProgress => Release >= ComponentRelease.Etcd(5, 13);

    /// <summary>
    /// The etcd a Kubernetes release pins its etcd client to in k8s.io/apiserver's go.mod (v0.N.0), taken as the
    /// server it runs with: 3.5.7 (1.27) … 3.5.21 (1.33), 3.6.4 (1.34), 3.6.5 (1.35), 3.6.8 (1.36).
    /// </summary>
    public static EtcdVersion PinnedBy(KubernetesVersion kubernetes) => new(kubernetes.Minor switch
    {
        <= 27 => ComponentRelease.Etcd(5, 7),
        28 => ComponentRelease.Etcd(5, 9),
        29 or 30 => ComponentRelease.Etcd(5, 10),
        31 => ComponentRelease.Etcd(5, 14),
        32 => ComponentRelease.Etcd(5, 16),
        33 => ComponentRelease.Etcd(5, 21),
        34 => ComponentRelease.Etcd(6, 4),
        35 => ComponentRelease.Etcd(6, 5),
        _ => ComponentRelease.Etcd(6, 8),
    });

    public override string ToString() => Release.ToString();
}

public static class EtcdVersions
{
    /// <summary>Parses <c>3.5</c>, <c>3.5.3</c>, <c>v3.6.4</c>, <c>3.7</c>: a 3.5, 3.6 or 3.7 release; without a patch, the latest of its minor.</summary>
    public static bool TryParse(string text, out EtcdVersion version)
    {
        version = default;
        if (!ComponentRelease.TryParse(ReleaseLine.Etcd, text, out var release) || release.Major != 3 || release.Minor is < 5 or > 7) return false;
        var patchGiven = text.Trim().TrimStart('v').Split('.').Length == 3;
        version = new EtcdVersion(patchGiven ? release : release with { Patch = ComponentRelease.LastPatch });
        return true;
    }

    public static string Name(EtcdVersion version) => version.ToString();
}
