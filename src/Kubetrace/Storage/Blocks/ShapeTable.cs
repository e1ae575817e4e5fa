using System.Runtime.InteropServices;

namespace Kubetrace.Storage.Blocks;

/// <summary>
/// Interns attribute key sequences ("shapes"): spans of one kind carry the same keys in the same order, so a
/// row stores one shape id and each key's value goes to that key's column. Looked up by span, no allocation.
/// </summary>
internal sealed class ShapeTable
{
    private readonly List<int[]> _shapes = [];
    private readonly Dictionary<int[], int> _ids = new(new Comparer());
    private readonly Dictionary<int[], int>.AlternateLookup<ReadOnlySpan<int>> _lookup;

    public ShapeTable() => _lookup = _ids.GetAlternateLookup<ReadOnlySpan<int>>();

    public int Intern(ReadOnlySpan<int> keys)
    {
        if (_lookup.TryGetValue(keys, out var id)) return id;
        var shape = keys.ToArray();
        id = _shapes.Count;
        _shapes.Add(shape);
        _ids.Add(shape, id);
        return id;
    }

    public int[][] ToArray() => [.. _shapes];

    private sealed class Comparer : IEqualityComparer<int[]>, IAlternateEqualityComparer<ReadOnlySpan<int>, int[]>
    {
        public bool Equals(int[]? x, int[]? y) => x.AsSpan().SequenceEqual(y);
        public int GetHashCode(int[] obj) => Hash(obj);
        public bool Equals(ReadOnlySpan<int> alternate, int[] other) => alternate.SequenceEqual(other);
        public int GetHashCode(ReadOnlySpan<int> alternate) => Hash(alternate);
        public int[] Create(ReadOnlySpan<int> alternate) => alternate.ToArray();

        private static int Hash(ReadOnlySpan<int> keys)
        {
            var hash = new HashCode();
            hash.AddBytes(MemoryMarshal.AsBytes(keys));
            return hash.ToHashCode();
        }
    }
}
