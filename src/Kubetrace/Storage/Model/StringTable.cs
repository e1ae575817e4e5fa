namespace Kubetrace.Storage.Model;

/// <summary>A dictionary of strings (span names, attribute keys, status messages); id 0 is the empty string.</summary>
internal sealed class StringTable
{
    private readonly GrowList<string> _items;
    private Dictionary<string, int>? _ids;
    private readonly Lock _gate = new();

    public StringTable() : this([""]) { }

    public StringTable(string[] items) => _items = GrowList<string>.Wrap(items.Length == 0 ? [""] : items);

    public int Count => _items.Count;

    public string this[int id] => _items.Items[id];

    /// <summary>Id of a string, adding it when new (writer side only).</summary>
    public int Intern(string value)
    {
        var ids = Ids();
        if (ids.TryGetValue(value, out var id)) return id;
        id = _items.Count;
        _items.Add(value);
        lock (_gate) ids.Add(value, id);
        return id;
    }

    private const int Slots = 64;

    private readonly byte[]?[] _slotUtf8 = new byte[]?[Slots];
    private readonly int[] _slotUtf8Id = new int[Slots];
    private readonly int[] _slotUtf8Length = new int[Slots];
    private Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>>? _idsByChars;

    /// <summary>
    /// <see cref="Intern"/> from UTF-8 bytes with a one-entry cache per caller-chosen slot: spans of a kind repeat
    /// their attribute keys in the same order, so comparing bytes with the key last seen at that position usually
    /// avoids both hashing and making a string.
    /// </summary>
    public int InternUtf8At(int slot, ReadOnlySpan<byte> utf8)
    {
        if ((uint)slot >= Slots) return InternUtf8(utf8);
        var last = _slotUtf8[slot];
        if (last is not null && utf8.SequenceEqual(last.AsSpan(0, _slotUtf8Length[slot]))) return _slotUtf8Id[slot];
        var id = InternUtf8(utf8);
        if (last is null || last.Length < utf8.Length) _slotUtf8[slot] = last = new byte[Math.Max(32, utf8.Length)];
        utf8.CopyTo(last);
        _slotUtf8Length[slot] = utf8.Length;
        _slotUtf8Id[slot] = id;
        return id;
    }

    /// <summary><see cref="Intern"/> from UTF-8 bytes; makes a string only when it is new (writer side only).</summary>
    public int InternUtf8(ReadOnlySpan<byte> utf8)
    {
        var byChars = _idsByChars ??= Ids().GetAlternateLookup<ReadOnlySpan<char>>();
        return Utf8Keys.TryGetValue(byChars, utf8, out var id) ? id : Intern(System.Text.Encoding.UTF8.GetString(utf8));
    }

    /// <summary>Id of a string, or -1 when absent.</summary>
    public int Find(string value)
    {
        var ids = Ids();
        lock (_gate) return ids.TryGetValue(value, out var id) ? id : -1;
    }

    public IEnumerable<string> Items()
    {
        var count = _items.Count;
        var items = _items.Items;
        for (var i = 0; i < count; i++) yield return items[i];
    }

    public string[] ToArray() => _items.AsSpan().ToArray();

    private Dictionary<string, int> Ids()
    {
        if (_ids is { } ids) return ids;
        lock (_gate)
        {
            if (_ids is not null) return _ids;
            var map = new Dictionary<string, int>(StringComparer.Ordinal);
            var count = _items.Count;
            for (var i = 0; i < count; i++) map.TryAdd(_items.Items[i], i);
            return _ids = map;
        }
    }
}
