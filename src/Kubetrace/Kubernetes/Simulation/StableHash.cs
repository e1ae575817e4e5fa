namespace Kubetrace.Kubernetes.Simulation;

/// <summary>A hash that is the same in every process (string.GetHashCode is not), so that runs with one seed repeat.</summary>
internal static class StableHash
{
    /// <summary>32-bit FNV-1a over the text's UTF-16 code units.</summary>
    public static uint Fnv(string text)
    {
        var hash = 2166136261u;
        foreach (var c in text) hash = (hash ^ c) * 16777619u;
        return hash;
    }
}
