using Google.Protobuf;
using Kubetrace.Otlp.Proto.Common;
using Kubetrace.Storage.Encoding;

namespace Kubetrace.Storage.Model;

/// <summary>The values of a head (or of a block being merged): interned as spans arrive, one <see cref="StoredValue"/> each.</summary>
internal sealed class InternedValueTable : ValueTable
{
    private readonly GrowList<StoredValue> _items = new(1024);
    private readonly Dictionary<string, int> _strings = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _stringsByChars;
    private readonly Dictionary<ByteString, int> _others = new();
    /// <summary>Non-string values by their bytes as received, so that a repeated int or bool is found without
    /// parsing and re-encoding it (the canonical encoding in <see cref="_others"/> stays the identity).</summary>
    private readonly Dictionary<byte[], int> _othersByWire = new(ArrayKeyComparer<byte>.Instance);
    private readonly Dictionary<byte[], int>.AlternateLookup<ReadOnlySpan<byte>> _othersByWireBytes;

    public InternedValueTable()
    {
        _stringsByChars = _strings.GetAlternateLookup<ReadOnlySpan<char>>();
        _othersByWireBytes = _othersByWire.GetAlternateLookup<ReadOnlySpan<byte>>();
    }

    public override int Count => _items.Count;

    public override string Text(int id) => _items.Items[id].Text;

    public override AnyValue ToAnyValue(int id) => _items.Items[id].ToAnyValue();

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
        _items.Add(StoredValue.FromAnyValue(value, encoded));
        _others.Add(encoded, id);
        return id;
    }

    /// <summary>Heads are searched by scanning, not by value: only block tables answer this.</summary>
    public override bool TryFindText(string text, out int id)
    {
        var count = _items.Count;
        var items = _items.Items;
        for (id = 0; id < count; id++)
            if (items[id].Text == text) return true;
        id = -1;
        return false;
    }

    public override void Write(ByteWriter w)
    {
        var values = _items.AsSpan();
        w.WriteVarint(values.Length);
        foreach (var v in values)
        {
            if (v.Encoded is { } encoded)
            {
                w.WriteByte(EncodedTag);
                w.WriteBytes(encoded.Span);
            }
            else
            {
                w.WriteByte(StringTag);
                w.WriteString(v.Text);
            }
        }
    }
}
