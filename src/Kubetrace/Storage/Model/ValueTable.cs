using Google.Protobuf;
using Kubetrace.Otlp.Proto.Common;

namespace Kubetrace.Storage.Model;

/// <summary>The dictionary of attribute values of a head or a block.</summary>
internal sealed class ValueTable
{
    private readonly GrowList<StoredValue> _items;
    private readonly Dictionary<string, int> _strings = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _stringsByChars;
    private readonly Dictionary<ByteString, int> _others = new();
    /// <summary>Non-string values by their bytes as received, so that a repeated int or bool is found without
    /// parsing and re-encoding it (the canonical encoding in <see cref="_others"/> stays the identity).</summary>
    private readonly Dictionary<byte[], int> _othersByWire = new(ArrayKeyComparer<byte>.Instance);
    private readonly Dictionary<byte[], int>.AlternateLookup<ReadOnlySpan<byte>> _othersByWireBytes;
    private Dictionary<string, int>? _byText;
    private readonly Lock _gate = new();

    public ValueTable() : this(new GrowList<StoredValue>(1024)) { }

    public ValueTable(StoredValue[] items) : this(GrowList<StoredValue>.Wrap(items)) { }

    private ValueTable(GrowList<StoredValue> items)
    {
        _items = items;
        _stringsByChars = _strings.GetAlternateLookup<ReadOnlySpan<char>>();
        _othersByWireBytes = _othersByWire.GetAlternateLookup<ReadOnlySpan<byte>>();
    }

    public int Count => _items.Count;

    public StoredValue this[int id] => _items.Items[id];

    /// <summary>The backing array now: valid for every id below <see cref="Count"/> read before (scans keep it).</summary>
    public StoredValue[] Snapshot() => _items.Items;

    public int InternString(string text)
    {
        if (_strings.TryGetValue(text, out var id)) return id;
        id = _items.Count;
        _items.Add(StoredValue.FromString(text));
        _strings.Add(text, id);
        return id;
    }

    /// <summary>Id of a string value given as UTF-8; allocates a string only when the value is new.</summary>
    public int InternUtf8(ReadOnlySpan<byte> utf8) =>
        Utf8Keys.TryGetValue(_stringsByChars, utf8, out var id) ? id : InternString(System.Text.Encoding.UTF8.GetString(utf8));

    /// <summary>Id of a non-string value given as its AnyValue encoding; parses it only the first time.</summary>
    public int InternOtherEncoded(ReadOnlySpan<byte> anyValue)
    {
        if (_othersByWireBytes.TryGetValue(anyValue, out var id)) return id;
        id = InternOther(AnyValue.Parser.ParseFrom(anyValue));
        _othersByWire.Add(anyValue.ToArray(), id);
        return id;
    }

    public int InternOther(AnyValue value)
    {
        var encoded = value.ToByteString();
        if (_others.TryGetValue(encoded, out var id)) return id;
        id = _items.Count;
        _items.Add(StoredValue.FromAnyValue(value));
        _others.Add(encoded, id);
        return id;
    }

    /// <summary>Ids of values whose text equals <paramref name="text"/> (a string and, say, an int may share it).</summary>
    public bool TryFindText(string text, out int id)
    {
        Dictionary<string, int> map;
        lock (_gate)
        {
            map = _byText ??= BuildTextMap();
        }
        return map.TryGetValue(text, out id);
    }

    public StoredValue[] ToArray() => _items.AsSpan().ToArray();

    private Dictionary<string, int> BuildTextMap()
    {
        // Only used on immutable (block) tables; the head searches by scanning.
        var map = new Dictionary<string, int>(StringComparer.Ordinal);
        var count = _items.Count;
        for (var i = 0; i < count; i++) map.TryAdd(_items.Items[i].Text, i);
        return map;
    }
}
