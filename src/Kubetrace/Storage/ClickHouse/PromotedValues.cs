namespace Kubetrace.Storage.ClickHouse;

/// <summary>
/// One span's values of the promoted keys (<see cref="PromotedAttributes"/>), reused from span to span: the first
/// occurrence of a promoted key gives its value to the key's column (a UUID key only a canonical UUID string) and
/// leaves "" in attr_values; later occurrences, and values a column cannot hold, stay in the arrays.
/// </summary>
internal sealed class PromotedValues
{
    private readonly RowBinaryWriter _texts = new(1024);
    private readonly (int Start, int Length)[] _text = new (int, int)[PromotedAttributes.All.Count];
    private readonly byte[] _uuids = new byte[16 * PromotedAttributes.All.Count];
    private readonly bool[] _seen = new bool[PromotedAttributes.All.Count];

    public void Clear()
    {
        _texts.Clear();
        Array.Clear(_text);
        Array.Clear(_uuids);
        Array.Clear(_seen);
    }

    /// <summary>Takes the value into its key's column when it goes there; false when it stays in attr_values.</summary>
    public bool TryTake(ReadOnlySpan<byte> container, in WireAttribute attribute)
    {
        var index = PromotedAttributes.IndexOf(attribute.Key(container));
        if (index < 0 || _seen[index]) return false;
        _seen[index] = true;
        if (PromotedAttributes.All[index].Kind == PromotedKind.Text)
        {
            var start = _texts.Length;
            attribute.WriteText(container, _texts);
            _text[index] = (start, _texts.Length - start);
            return true;
        }
        var uuid = _uuids.AsSpan(16 * index, 16);
        if (attribute.Type == AttributeType.String && PromotedAttribute.TryUuidBytes(attribute.Value(container), uuid)) return true;
        uuid.Clear();
        return false;
    }

    public void Write(RowBinaryWriter rows)
    {
        var texts = _texts.Written.Span;
        for (var i = 0; i < _text.Length; i++)
        {
            if (PromotedAttributes.All[i].Kind == PromotedKind.Uuid) rows.Raw(_uuids.AsSpan(16 * i, 16));
            else if (_text[i].Length == 0) rows.Byte(0); // no value: ""
            else rows.Raw(texts.Slice(_text[i].Start, _text[i].Length));
        }
    }
}
