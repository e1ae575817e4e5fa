namespace Kubetrace.Storage.ClickHouse;

/// <summary>
/// One span's values of the promoted keys (<see cref="PromotedAttributes"/>), reused from span to span: the first
/// occurrence of a promoted key leaves the arrays for the key's column when the column can hold it (a text column a
/// non-empty text, a UUID column a canonical UUID string), with its place among the span's attributes and its type in
/// <see cref="PromotedAttributes.Positions"/> (schema version 7); later occurrences, and values no column holds, stay in
/// the arrays with their key.
/// </summary>
internal sealed class PromotedValues
{
    private readonly RowBinaryWriter _texts = new(1024);
    private readonly (int Start, int Length)[] _text = new (int, int)[PromotedAttributes.All.Count];
    private readonly byte[] _uuids = new byte[16 * PromotedAttributes.All.Count];
    private readonly bool[] _seen = new bool[PromotedAttributes.All.Count];
    /// <summary>Per promoted key taken: its position among the span's attributes and its type, as one varint.</summary>
    private readonly ulong[] _places = new ulong[PromotedAttributes.All.Count];
    private readonly RowBinaryWriter _positions = new(64);

    public void Clear()
    {
        _texts.Clear();
        Array.Clear(_text);
        Array.Clear(_uuids);
        Array.Clear(_seen);
    }

    /// <summary>Takes the value, the span's attribute at <paramref name="position"/>, into its key's column when it goes
    /// there; false when it stays in the arrays.</summary>
    public bool TryTake(ReadOnlySpan<byte> container, in WireAttribute attribute, int position)
    {
        var index = PromotedAttributes.IndexOf(attribute.Key(container));
        if (index < 0 || _seen[index]) return false;
        _seen[index] = true;
        if (PromotedAttributes.All[index].Kind == PromotedKind.Text)
        {
            var start = _texts.Length;
            attribute.WriteText(container, _texts);
            // An empty text (its one-byte length, left unused in _texts) stays in the arrays: an empty column means "not
            // taken", so that the key's existence is the column's or the arrays' (PromotedAttributes.SpanHasSql).
            if (_texts.Length - start == 1) return false;
            _text[index] = (start, _texts.Length - start);
        }
        else
        {
            var uuid = _uuids.AsSpan(16 * index, 16);
            if (attribute.Type != AttributeType.String || !PromotedAttribute.TryUuidBytes(attribute.Value(container), uuid))
            {
                uuid.Clear();
                return false;
            }
        }
        _places[index] = PromotedAttributes.Place(position, attribute.Type);
        return true;
    }

    /// <summary>The promoted columns, then <see cref="PromotedAttributes.Positions"/>.</summary>
    public void Write(RowBinaryWriter rows)
    {
        var texts = _texts.Written.Span;
        _positions.Clear();
        for (var i = 0; i < _text.Length; i++)
        {
            if (PromotedAttributes.All[i].Kind == PromotedKind.Uuid)
            {
                var uuid = _uuids.AsSpan(16 * i, 16);
                rows.Raw(uuid);
                if (uuid.IndexOfAnyExcept((byte)0) >= 0) _positions.VarUInt(_places[i]);
            }
            else if (_text[i].Length == 0)
            {
                rows.Byte(0); // no value: ""
            }
            else
            {
                rows.Raw(texts.Slice(_text[i].Start, _text[i].Length));
                _positions.VarUInt(_places[i]);
            }
        }
        rows.Bytes(_positions.Written.Span);
    }
}
