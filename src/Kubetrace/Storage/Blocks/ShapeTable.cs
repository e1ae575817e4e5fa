using Kubetrace.Storage.Model;

namespace Kubetrace.Storage.Blocks;

/// <summary>
/// Interns attribute key sequences ("shapes"): spans of one kind carry the same keys in the same order, so a
/// row stores one shape id and each key's value goes to that key's column. Looked up by span, no allocation.
/// </summary>
internal sealed class ShapeTable
{
    private readonly List<int[]> _shapes = [];
    private readonly Dictionary<int[], int> _ids = new(ArrayKeyComparer<int>.Instance);
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
}
