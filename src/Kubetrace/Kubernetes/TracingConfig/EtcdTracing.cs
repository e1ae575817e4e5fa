using Kubetrace.Kubernetes.Catalog;

namespace Kubetrace.Kubernetes.TracingConfig;

/// <summary>
/// etcd: command-line flags. 3.5 has only the <c>--experimental-distributed-tracing-*</c> names; 3.6 adds the same
/// flags without <c>experimental-</c> and deprecates the old ones; 3.7 keeps only the new ones. The sampler is the
/// catalog's (<see cref="EtcdCatalog.SamplingOf"/>): the sampling-rate flag exists from 3.5.11 (v3.5.11
/// server/etcdmain/config.go:279); 3.5.5–3.5.10 sample ParentBased(NeverSample) (v3.5.5
/// server/embed/config_tracing.go:67) and 3.5.0–3.5.4 the SDK default ParentBased(AlwaysOn) (v3.5.4
/// server/embed/etcd.go:845, no sampler set), so before 3.5.11 no rate flag is written. A 3.5 without a patch is
/// taken as the latest patch. etcd samples ParentBased, so at rate 0 it records exactly the requests the apiserver sampled.
/// </summary>
public static class EtcdTracing
{
    public static readonly ComponentVersion FirstWithTracing = new(3, 5);
    public static readonly ComponentVersion FirstWithUnprefixedFlags = new(3, 6);
    public static readonly ComponentVersion NewestKnown = new(3, 7);

    /// <summary>The etcd minor that kubeadm deploys with a Kubernetes release: 3.6 from 1.34, 3.5 before.</summary>
    public static ComponentVersion DefaultFor(KubernetesVersion kubernetes) =>
        kubernetes >= KubernetesVersion.Of(34) ? new ComponentVersion(3, 6) : new ComponentVersion(3, 5);

    public static GenerationResult Generate(TracingConfigRequest request)
    {
        var version = request.EtcdVersion ?? DefaultFor(request.KubernetesVersion);
        if (version.CompareTo(FirstWithTracing) < 0)
            return GenerationResult.Fail($"etcd {version} cannot emit traces: distributed tracing arrived in etcd {FirstWithTracing}");
        if (version.CompareTo(NewestKnown) > 0)
            return GenerationResult.Fail($"etcd {version} is newer than the releases this kubetrace knows (3.5 to {NewestKnown})");

        var prefix = version.CompareTo(FirstWithUnprefixedFlags) < 0 ? "experimental-" : "";
        var sampling = SamplingOf(version);
        var flags = new List<string>
        {
            $"--{prefix}enable-distributed-tracing=true",
            $"--{prefix}distributed-tracing-address={request.Endpoint}",
            $"--{prefix}distributed-tracing-service-name=etcd",
        };
        // 0 is the flag's default wherever it exists (v3.5.11 server/etcdmain/config.go:279, v3.6.0 and v3.7.0
        // server/embed/config.go), so it is written only for another rate: etcd refuses to start on a flag it does not
        // know, and kubeadm 1.27.0 deploys 3.5.7 (k8s install cannot know the patch a cluster runs).
        var rateFlag = sampling == EtcdSampling.RatioRoots && request.SamplingRatePerMillion != 0;
        if (rateFlag) flags.Add($"--{prefix}distributed-tracing-sampling-rate={request.SamplingRatePerMillion}");
        var comments = new List<string>
        {
            $"etcd {version} tracing: add these flags to every etcd member (kubeadm: /etc/kubernetes/manifests/etcd.yaml).",
            prefix.Length > 0
                ? version.Patch is null && rateFlag
                    ? "etcd 3.5 knows only the experimental- names; --experimental-distributed-tracing-sampling-rate needs 3.5.11 or later (give the patch, e.g. --etcd-version 3.5.9, for an earlier one)."
                    : "etcd 3.5 knows only the experimental- names."
                : version.CompareTo(NewestKnown) < 0
                    ? $"etcd {version} also accepts the deprecated experimental- names; 3.7 accepts only these."
                    : $"etcd {version} no longer accepts the experimental- names.",
            "Also set a unique instance ID per member, e.g.",
            $"  --{prefix}distributed-tracing-instance-id=<member name>",
            sampling switch
            {
                EtcdSampling.AlwaysOnRoots or EtcdSampling.NeverRoots => $"etcd {version} has no sampling-rate flag and samples {SamplerWithoutRate(version)}.",
                _ when request.SamplingRatePerMillion == 0 => "Rate 0 (the flag's default, so not written): etcd starts no traces of its own and records the requests whose apiserver trace was sampled (ParentBased).",
                _ => $"etcd follows a sampled apiserver parent (ParentBased) and also starts {SamplingRate.Describe(request.SamplingRatePerMillion)} of requests without one.",
            },
        };
        var body = string.Concat(flags.Select(f => f + "\n"));
        var environment = flags.Select(ToEnvironment).ToList();
        return GenerationResult.Ok(new GeneratedConfig(TracedComponent.Etcd, "flags", comments, body, flags, environment));
    }

    /// <summary>Whether <paramref name="version"/> has the sampling-rate flag (3.5.11+; a 3.5 without a patch is taken as the latest).</summary>
    public static bool HasSamplingRateFlag(ComponentVersion version) => SamplingOf(version) == EtcdSampling.RatioRoots;

    /// <summary>How an etcd without the sampling-rate flag samples.</summary>
    public static string SamplerWithoutRate(ComponentVersion version) => SamplingOf(version) == EtcdSampling.AlwaysOnRoots
        ? "ParentBased(AlwaysOn): it follows a sampled apiserver parent and traces every request without one"
        : "ParentBased(NeverSample): it records exactly the requests whose apiserver trace was sampled";

    private static EtcdSampling SamplingOf(ComponentVersion version) =>
        EtcdCatalog.SamplingOf(ComponentRelease.Etcd(version.Minor, version.Patch ?? ComponentRelease.LastPatch));

    /// <summary>etcd reads every flag from <c>ETCD_</c> + the flag name in upper case with <c>_</c> for <c>-</c>.</summary>
    private static KeyValuePair<string, string> ToEnvironment(string flag)
    {
        var equals = flag.IndexOf('=');
        var name = "ETCD_" + flag[2..equals].Replace('-', '_').ToUpperInvariant();
        return new(name, flag[(equals + 1)..]);
    }
}
