using Kubetrace.Otlp.Wire;

namespace Kubetrace.Storage.ClickHouse;

/// <summary>What <see cref="SpanRowEncoder"/> reuses from span to span (one per thread): nothing is allocated per span.</summary>
internal sealed class EncoderScratch
{
    public ResourceColumns Resource { get; } = new();

    /// <summary>The scope column of the spans being written (a RowBinary String of the ScopeSpans envelope).</summary>
    public RowBinaryWriter Scope { get; } = new(256);

    /// <summary>A ResourceSpans or ScopeSpans envelope being put together (its fields copied as they came).</summary>
    public RowBinaryWriter Envelope { get; } = new(1024);

    public RowBinaryWriter Extra { get; } = new(1024);

    public List<WireAttribute> Attributes { get; } = new(32);

    public List<(int Start, int End)> Events { get; } = [];

    public List<WireLink> Links { get; } = [];

    public PromotedValues Promoted { get; } = new();
}

/// <summary>
/// The columns a resource gives each of its spans, encoded once: service (the text of its last <c>service.name</c>, as
/// the object model found it), res_keys and res_values, and resource (the ResourceSpans envelope without its spans).
/// </summary>
internal sealed class ResourceColumns
{
    private readonly List<WireAttribute> _attributes = new(16);
    private readonly RowBinaryWriter _service = new(256);
    private readonly RowBinaryWriter _arrays = new(1024);
    private readonly RowBinaryWriter _column = new(1024);

    public ReadOnlySpan<byte> Service => _service.Written.Span;

    public ReadOnlySpan<byte> Arrays => _arrays.Written.Span;

    public ReadOnlySpan<byte> Column => _column.Written.Span;

    public void Reset()
    {
        _attributes.Clear();
        _service.Clear();
        _arrays.Clear();
        _column.Clear();
    }

    /// <summary>Resource: 1 attributes (a resource given twice merges: its attributes are added in order).</summary>
    public void AddAttributes(ProtoWireReader resource)
    {
        while (!resource.AtEnd)
        {
            var start = resource.Offset;
            var (field, type) = resource.ReadTag();
            if (field == 1 && type == WireType.LengthDelimited)
            {
                var body = resource.ReadNested();
                _attributes.Add(WireAttribute.Read(body, start, resource.Offset));
            }
            else resource.Skip(field, type, 0);
        }
    }

    /// <summary>Encodes the columns once every attribute is known; <paramref name="message"/> is the ResourceSpans.</summary>
    public void Seal(ReadOnlySpan<byte> message, ReadOnlySpan<byte> envelope)
    {
        var service = -1;
        for (var i = 0; i < _attributes.Count; i++)
            if (_attributes[i].Key(message).SequenceEqual("service.name"u8)) service = i;
        if (service >= 0) _attributes[service].WriteText(message, _service);
        else _service.Bytes([]);
        _arrays.VarUInt((ulong)_attributes.Count);
        foreach (var attribute in _attributes) _arrays.Bytes(attribute.Key(message));
        _arrays.VarUInt((ulong)_attributes.Count);
        foreach (var attribute in _attributes) attribute.WriteText(message, _arrays);
        _column.Bytes(envelope);
    }
}
