using Kubetrace.Analysis;

namespace Kubetrace.Kubernetes.Analyses;

/// <summary>
/// The registry prefix of an etcd key, which names the resource: <c>/registry/pods/default/web-0</c> →
/// <c>/registry/pods</c>; <c>/registry/example.com/widgets/ns/w</c> → <c>/registry/example.com/widgets</c> when the
/// storage span says the resource is <c>widgets</c>. Empty segments are dropped (<c>//registry//pods/</c> →
/// <c>/registry/pods</c>).
/// </summary>
/// <remarks>Read for every etcd call of a scan: the key is walked in place and the prefix is pooled (<see cref="LabelPool"/>).</remarks>
public static class EtcdKeyPrefix
{
    public const string Unknown = "(unknown)";

    public static string Of(string? key, string? resource)
    {
        if (string.IsNullOrEmpty(key)) return string.IsNullOrEmpty(resource) ? Unknown : LabelPool.Join("/registry", '/', resource);
        var segments = key.AsSpan();
        // Up to the segment naming the resource; without one (or not found), the first two: /registry/<resource>.
        var last = string.IsNullOrEmpty(resource) ? -1 : IndexOfSegment(segments, resource);
        if (last < 0) last = 1;
        Span<char> buffer = key.Length < 256 ? stackalloc char[key.Length + 1] : new char[key.Length + 1];
        var length = 0;
        var index = 0;
        foreach (var range in segments.Split('/'))
        {
            var segment = segments[range];
            if (segment.IsEmpty) continue;
            buffer[length++] = '/';
            segment.CopyTo(buffer[length..]);
            length += segment.Length;
            if (index++ == last) break;
        }
        return length == 0 ? "/" : LabelPool.Get(buffer[..length]);
    }

    /// <summary>The position of the first non-empty segment equal to <paramref name="name"/>, or -1.</summary>
    private static int IndexOfSegment(ReadOnlySpan<char> key, string name)
    {
        var index = 0;
        foreach (var range in key.Split('/'))
        {
            var segment = key[range];
            if (segment.IsEmpty) continue;
            if (segment.SequenceEqual(name)) return index;
            index++;
        }
        return -1;
    }
}
