using System.Collections.Concurrent;

namespace Kubetrace.Analysis;

/// <summary>
/// The strings analyses group by (resource names, etcd key prefixes, <c>configuration/webhook</c>), looked up by
/// their characters: parsing a path or a key per span then allocates nothing once a label has been seen. Shared
/// by every analysis and thread (scans run concurrently), and bounded: past <see cref="Capacity"/> labels, new
/// ones are returned as fresh strings instead of kept, so hostile data cannot grow it without end.
/// </summary>
public static class LabelPool
{
    public const int Capacity = 65_536;

    private static readonly ConcurrentDictionary<string, string> Labels = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> ByChars =
        Labels.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>The pooled string equal to <paramref name="text"/>.</summary>
    public static string Get(ReadOnlySpan<char> text)
    {
        if (text.IsEmpty) return "";
        if (ByChars.TryGetValue(text, out var label)) return label;
        label = new string(text);
        return Labels.Count < Capacity ? Labels.GetOrAdd(label, label) : label;
    }

    /// <summary>The pooled <c>first + separator + second</c>, built without a temporary string when short.</summary>
    public static string Join(ReadOnlySpan<char> first, char separator, ReadOnlySpan<char> second)
    {
        var length = first.Length + 1 + second.Length;
        if (length > 512) return Get(string.Concat(first, [separator], second));
        Span<char> buffer = stackalloc char[length];
        first.CopyTo(buffer);
        buffer[first.Length] = separator;
        second.CopyTo(buffer[(first.Length + 1)..]);
        return Get(buffer);
    }
}
