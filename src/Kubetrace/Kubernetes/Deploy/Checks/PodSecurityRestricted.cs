using k8s.Models;

namespace Kubetrace.Kubernetes.Deploy.Checks;

/// <summary>
/// The Pod Security Standards' <c>restricted</c> profile (which includes <c>baseline</c>), written from the
/// Kubernetes documentation "Pod Security Standards" (kubernetes.io/docs/concepts/security/pod-security-standards/),
/// one rule per control, as Pod Security admission would apply it to a pod template. Paths are relative to the pod
/// spec; Windows-only relaxations are not modelled (Kubetrace runs on Linux).
/// </summary>
public static class PodSecurityRestricted
{
    /// <summary>Baseline "Capabilities": what may be added at all (restricted narrows it to NET_BIND_SERVICE).</summary>
    private static readonly HashSet<string> RestrictedAddable = ["NET_BIND_SERVICE"];

    /// <summary>Restricted "Volume Types".</summary>
    private static readonly string[] AllowedVolumeSources =
        ["configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "persistentVolumeClaim", "projected", "secret"];

    /// <summary>Baseline "Sysctls": the safe set.</summary>
    private static readonly HashSet<string> SafeSysctls =
    [
        "kernel.shm_rmid_forced", "net.ipv4.ip_local_port_range", "net.ipv4.ip_unprivileged_port_start", "net.ipv4.tcp_syncookies",
        "net.ipv4.ping_group_range", "net.ipv4.ip_local_reserved_ports", "net.ipv4.tcp_keepalive_time", "net.ipv4.tcp_fin_timeout",
        "net.ipv4.tcp_keepalive_intvl", "net.ipv4.tcp_keepalive_probes",
    ];

    /// <summary>Baseline "SELinux": the allowed types (empty means unset).</summary>
    private static readonly HashSet<string> SeLinuxTypes = ["", "container_t", "container_init_t", "container_kvm_t", "container_engine_t"];

    public static IEnumerable<(string Path, string Message)> Violations(V1PodSpec pod)
    {
        var podContext = pod.SecurityContext;
        if (pod.HostNetwork == true) yield return ("hostNetwork", "host namespaces are not allowed (baseline): hostNetwork must be unset or false");
        if (pod.HostPID == true) yield return ("hostPID", "host namespaces are not allowed (baseline): hostPID must be unset or false");
        if (pod.HostIPC == true) yield return ("hostIPC", "host namespaces are not allowed (baseline): hostIPC must be unset or false");
        if (podContext?.WindowsOptions?.HostProcess == true) yield return ("securityContext::windowsOptions::hostProcess", "HostProcess pods are not allowed (baseline)");
        foreach (var problem in SeLinux(podContext?.SeLinuxOptions, "securityContext::seLinuxOptions")) yield return problem;
        if (podContext?.SeccompProfile?.Type is "Unconfined") yield return ("securityContext::seccompProfile::type", "seccomp must not be Unconfined (baseline)");
        if (podContext?.AppArmorProfile?.Type is "Unconfined") yield return ("securityContext::appArmorProfile::type", "AppArmor must not be Unconfined (baseline)");
        if (podContext?.RunAsUser == 0) yield return ("securityContext::runAsUser", "must not run as user 0 (restricted)");
        foreach (var (sysctl, i) in (podContext?.Sysctls ?? []).Select((s, i) => (s, i)))
        {
            if (!SafeSysctls.Contains(sysctl.Name)) yield return ($"securityContext::sysctls::{i}", $"sysctl {sysctl.Name} is not in the safe set (baseline)");
        }
        foreach (var (volume, i) in (pod.Volumes ?? []).Select((v, i) => (v, i)))
        {
            var source = VolumeSource(volume);
            if (source is "hostPath") yield return ($"volumes::{i}", $"volume {volume.Name}: hostPath volumes are not allowed (baseline)");
            else if (source is not null && !AllowedVolumeSources.Contains(source))
                yield return ($"volumes::{i}", $"volume {volume.Name}: {source} volumes are not allowed (restricted: {string.Join(", ", AllowedVolumeSources)})");
        }

        var podNonRoot = podContext?.RunAsNonRoot == true;
        var podSeccomp = podContext?.SeccompProfile?.Type is "RuntimeDefault" or "Localhost";
        foreach (var (container, path) in Containers(pod))
        {
            var context = container.SecurityContext;
            var at = $"{path}::securityContext";
            if (context?.Privileged == true) yield return ($"{at}::privileged", $"container {container.Name}: privileged containers are not allowed (baseline)");
            if (context?.WindowsOptions?.HostProcess == true) yield return ($"{at}::windowsOptions::hostProcess", $"container {container.Name}: HostProcess is not allowed (baseline)");
            if (context?.ProcMount is { } procMount && procMount != "Default") yield return ($"{at}::procMount", $"container {container.Name}: procMount must be Default (baseline)");
            foreach (var problem in SeLinux(context?.SeLinuxOptions, $"{at}::seLinuxOptions")) yield return problem;
            if (context?.AppArmorProfile?.Type is "Unconfined") yield return ($"{at}::appArmorProfile::type", $"container {container.Name}: AppArmor must not be Unconfined (baseline)");
            foreach (var (port, i) in (container.Ports ?? []).Select((p, i) => (p, i)))
            {
                if (port.HostPort is { } hostPort and not 0) yield return ($"{path}::ports::{i}::hostPort", $"container {container.Name}: hostPort {hostPort} is not allowed (baseline)");
            }
            if (context?.AllowPrivilegeEscalation != false)
                yield return ($"{at}::allowPrivilegeEscalation", $"container {container.Name}: allowPrivilegeEscalation must be false (restricted)");
            if (context?.RunAsNonRoot == false || (!podNonRoot && context?.RunAsNonRoot != true))
                yield return ($"{at}::runAsNonRoot", $"container {container.Name}: runAsNonRoot must be true, in the pod's or the container's securityContext (restricted)");
            if (context?.RunAsUser == 0) yield return ($"{at}::runAsUser", $"container {container.Name}: must not run as user 0 (restricted)");
            var seccomp = context?.SeccompProfile?.Type;
            if (seccomp is "Unconfined") yield return ($"{at}::seccompProfile::type", $"container {container.Name}: seccomp must not be Unconfined (baseline)");
            else if (!podSeccomp && seccomp is not ("RuntimeDefault" or "Localhost"))
                yield return ($"{at}::seccompProfile", $"container {container.Name}: a seccomp profile (RuntimeDefault or Localhost) must be set, in the pod's or the container's securityContext (restricted)");
            var capabilities = context?.Capabilities;
            if (capabilities?.Drop?.Contains("ALL") != true)
                yield return ($"{at}::capabilities::drop", $"container {container.Name}: capabilities must drop ALL (restricted)");
            foreach (var added in capabilities?.Add ?? [])
            {
                if (!RestrictedAddable.Contains(added)) yield return ($"{at}::capabilities::add", $"container {container.Name}: capability {added} may not be added (restricted allows only NET_BIND_SERVICE)");
            }
        }
    }

    private static IEnumerable<(string, string)> SeLinux(V1SELinuxOptions? options, string path)
    {
        if (options is null) yield break;
        if (!SeLinuxTypes.Contains(options.Type ?? "")) yield return ($"{path}::type", $"SELinux type {options.Type} is not allowed (baseline)");
        if (!string.IsNullOrEmpty(options.User)) yield return ($"{path}::user", "SELinux user must not be set (baseline)");
        if (!string.IsNullOrEmpty(options.Role)) yield return ($"{path}::role", "SELinux role must not be set (baseline)");
    }

    /// <summary>What the rules read of a container, the same for init, regular and ephemeral containers.</summary>
    private sealed record ContainerView(string Name, V1SecurityContext? SecurityContext, IList<V1ContainerPort>? Ports);

    private static IEnumerable<(ContainerView Container, string Path)> Containers(V1PodSpec pod) =>
        (pod.InitContainers ?? []).Select((c, i) => (new ContainerView(c.Name, c.SecurityContext, c.Ports), $"initContainers::{i}"))
        .Concat((pod.Containers ?? []).Select((c, i) => (new ContainerView(c.Name, c.SecurityContext, c.Ports), $"containers::{i}")))
        .Concat((pod.EphemeralContainers ?? []).Select((c, i) => (new ContainerView(c.Name, c.SecurityContext, c.Ports), $"ephemeralContainers::{i}")));

    /// <summary>The one source a volume sets, by its YAML name (e.g. <c>hostPath</c>), or null when none is set.</summary>
    private static string? VolumeSource(V1Volume volume) =>
        typeof(V1Volume).GetProperties()
            .Where(p => p.Name != nameof(V1Volume.Name) && p.GetValue(volume) is not null)
            .Select(p => char.ToLowerInvariant(p.Name[0]) + p.Name[1..])
            .FirstOrDefault() is { } name ? (name == "downwardAPI" || name == "downwardApi" ? "downwardAPI" : name) : null;
}
