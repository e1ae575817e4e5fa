using Kubetrace.Storage.Encoding;

namespace Kubetrace.Analysis.Rollups;

/// <summary>The one collection layout of rollup bytes: a count, then each item.</summary>
internal static class RollupFormat
{
    public static void WriteEach<T>(this ByteWriter writer, IReadOnlyCollection<T> items, Action<T> write)
    {
        writer.WriteVarint(items.Count);
        foreach (var item in items) write(item);
    }

    /// <summary>Reads a count, then calls <paramref name="read"/> that many times.</summary>
    public static void ReadEach(this ByteReader reader, Action read)
    {
        var count = reader.ReadInt();
        for (var i = 0; i < count; i++) read();
    }
}
