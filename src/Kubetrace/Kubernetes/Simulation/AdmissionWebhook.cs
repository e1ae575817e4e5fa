using Kubetrace.Kubernetes.Catalog;

namespace Kubetrace.Kubernetes.Simulation;

/// <summary>
/// One webhook of a Mutating- or ValidatingWebhookConfiguration: the resources and operations it intercepts, how
/// long it usually takes to answer, and its timeout.
/// </summary>
internal sealed record AdmissionWebhook(bool Mutating, string Configuration, string Name, string[] Resources, string[] Operations,
    int MinMicros, int MaxMicros, TimeSpan Timeout)
{
    /// <summary>Each instance is a distinct, shared definition: equal only to itself (and cheap to hash as a key).</summary>
    public bool Equals(AdmissionWebhook? other) => ReferenceEquals(this, other);

    public override int GetHashCode() => System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(this);

    /// <summary>The webhooks of the simulated cluster, mutating first, in the order the apiserver calls them.</summary>
    public static readonly IReadOnlyList<AdmissionWebhook> Cluster =
    [
        new(true, "sidecar-injector", "inject.sidecar.example.com", ["pods"], ["CREATE"], 2_000, 6_000, TimeSpan.FromSeconds(10)),
        new(true, "platform-defaults", "defaults.platform.example.com", ["deployments", "configmaps"], ["CREATE", "UPDATE"], 1_000, 3_000, TimeSpan.FromSeconds(10)),
        new(false, "policy-controller", "validate.policy.example.com", ["pods", "deployments"], ["CREATE", "UPDATE"], 2_000, 8_000, TimeSpan.FromSeconds(10)),
        new(false, "quota-guard", "quota.guard.example.com", ["pods", "configmaps"], ["CREATE"], 1_000, 3_000, TimeSpan.FromSeconds(10)),
    ];

    public string SpanName => Mutating ? ApiserverSpans.MutatingWebhook : ApiserverSpans.ValidatingWebhook;

    /// <summary>The webhook service's host, from its name (<c>inject.sidecar.example.com</c> → <c>inject.webhooks.svc</c>).</summary>
    public string Host => field ??= Name[..Name.IndexOf('.')] + ".webhooks.svc";

    /// <summary>The URL the apiserver posts to: the service, with the webhook's timeout in the query (<c>?timeout=10s</c>).</summary>
    public string Url => field ??= $"https://{Host}:443/{(Mutating ? "mutate" : "validate")}?timeout={(int)Timeout.TotalSeconds}s";

    public string Type => Mutating ? "mutating" : "validating";

    /// <summary>Rules name subresources explicitly (<c>pods/status</c>), so a rule for <c>pods</c> does not match them.</summary>
    public bool Intercepts(string resource, string subresource, string operation) =>
        subresource.Length == 0 && Resources.Contains(resource) && Operations.Contains(operation);
}
