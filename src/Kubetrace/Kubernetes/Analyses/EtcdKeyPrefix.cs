namespace Kubetrace.Kubernetes.Analyses;

/// <summary>
/// The registry prefix of an etcd key, which names the resource: <c>/registry/pods/default/web-0</c> →
/// <c>/registry/pods</c>; <c>/registry/example.com/widgets/ns/w</c> → <c>/registry/example.com/widgets</c> when the
/// storage span says the resource is <c>widgets</c>.
/// </summary>
public static class EtcdKeyPrefix
{
    public const string Unknown = "(unknown)";

    public static string Of(string? key, string? resource)
    {
        if (string.IsNullOrEmpty(key)) return string.IsNullOrEmpty(resource) ? Unknown : "/registry/" + resource;
        var segments = key.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var end = string.IsNullOrEmpty(resource) ? -1 : Array.IndexOf(segments, resource);
        if (end < 0) end = Math.Min(1, segments.Length - 1);
        return "/" + string.Join('/', segments.AsSpan(0, end + 1).ToArray());
    }
}
