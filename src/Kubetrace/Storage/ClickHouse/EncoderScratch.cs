using Kubetrace.Otlp.Wire;

namespace Kubetrace.Storage.ClickHouse;

/// <summary>What <see cref="SpanRowEncoder"/> reuses from span to span (one per thread): nothing is allocated per span.</summary>
internal sealed class EncoderScratch
{
    public ResourceColumns Resource { get; } = new();

    /// <summary>A ResourceSpans or ScopeSpans envelope being put together (its fields copied as they came).</summary>
    public RowBinaryWriter Envelope { get; } = new(1024);

    public RowBinaryWriter Extra { get; } = new(1024);

    public List<WireAttribute> Attributes { get; } = new(32);

    public List<(int Start, int End)> Events { get; } = [];

    public List<WireLink> Links { get; } = [];

    public PromotedValues Promoted { get; } = new();
}

/// <summary>
/// The columns a resource gives its spans, encoded once: service (the text of its last <c>service.name</c>, as the
/// object model found it) for every span; res_keys and res_values, and resource — the ResourceSpans envelope without its
/// spans, holding the one ScopeSpans envelope of the spans being written (schema version 8) — for the one span per batch,
/// day and (resource, scope) that carries them (schema version 6, docs/storage.md "Resources written once"), the others
/// naming them by their hash.
/// </summary>
internal sealed class ResourceColumns
{
    /// <summary>res_keys and res_values of a span that does not carry its resource: two empty arrays.</summary>
    private static readonly byte[] NoArrays = [0, 0];

    /// <summary>resource of a span that does not carry it: an empty String.</summary>
    private static readonly byte[] NoColumn = [0];

    /// <summary>The tag of ResourceSpans' field 2 (scope_spans, length-delimited).</summary>
    private const byte ScopeSpansTag = 2 << 3 | 2;

    private readonly List<WireAttribute> _attributes = new(16);
    private readonly RowBinaryWriter _service = new(256);
    private readonly RowBinaryWriter _arrays = new(1024);
    private readonly RowBinaryWriter _resource = new(1024);
    private int _attributesEnd;
    private readonly RowBinaryWriter _envelope = new(1024);
    private readonly RowBinaryWriter _column = new(1024);
    private readonly byte[] _hash = new byte[16];
    private readonly byte[] _lastEnvelope = new byte[1024];
    private int _lastEnvelopeLength = -1;
    private readonly HashSet<(UInt128 Hash, ushort Date)> _carried = [];
    private UInt128 _key;
    private int _carriedDate = -1;

    public ReadOnlySpan<byte> Service => _service.Written.Span;

    /// <summary>res_hash: the hash of the envelope (resource and scope) the span's row names.</summary>
    public ReadOnlySpan<byte> Hash => _hash;

    /// <summary>Forgets which resources the batch carried: each batch (each INSERT) carries the resources of its spans.</summary>
    public void StartBatch()
    {
        _carried.Clear();
        _carriedDate = -1;
    }

    public void Reset()
    {
        _attributes.Clear();
        _service.Clear();
        _arrays.Clear();
        _resource.Clear();
        _carriedDate = -1;
    }

    /// <summary>Whether a span of the resource and scope starting on <paramref name="date"/> carries them: the first in this
    /// batch and day does, the others name them by <see cref="Hash"/>.</summary>
    public bool Carries(ushort date)
    {
        if (date == _carriedDate || !_carried.Add((_key, date))) return false;
        _carriedDate = date;
        return true;
    }

    /// <summary>res_keys and res_values of a span that carries the resource, or two empty arrays.</summary>
    public ReadOnlySpan<byte> Arrays(bool carries) => carries ? _arrays.Written.Span : NoArrays;

    /// <summary>resource of a span that carries it, or an empty String.</summary>
    public ReadOnlySpan<byte> Column(bool carries) => carries ? _column.Written.Span : NoColumn;

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

    /// <summary>Encodes the columns once every attribute is known; <paramref name="message"/> is the ResourceSpans,
    /// <paramref name="envelope"/> its envelope, whose resource fields end at <paramref name="attributesEnd"/> (its schema
    /// URL follows).</summary>
    public void Seal(ReadOnlySpan<byte> message, ReadOnlySpan<byte> envelope, int attributesEnd)
    {
        _resource.Raw(envelope);
        _attributesEnd = attributesEnd;
        var service = -1;
        for (var i = 0; i < _attributes.Count; i++)
            if (_attributes[i].Key(message).SequenceEqual("service.name"u8)) service = i;
        if (service >= 0) _attributes[service].WriteText(message, _service);
        else _service.Bytes([]);
        _arrays.VarUInt((ulong)_attributes.Count);
        foreach (var attribute in _attributes) _arrays.Bytes(attribute.Key(message));
        _arrays.VarUInt((ulong)_attributes.Count);
        foreach (var attribute in _attributes) attribute.WriteText(message, _arrays);
    }

    /// <summary>
    /// The scope of the spans written next (a ScopeSpans envelope): since schema version 8 it travels in the resource
    /// envelope as the ResourceSpans' one ScopeSpans (field 2, between the resource and the schema URL, as a serializer
    /// orders them) — written once per carrier, not per span (42 B per span on the benchmark data) — so the envelope,
    /// its hash and its carriers are the (resource, scope) pair's. Always present, even empty: an envelope with a field 2
    /// is one of this version, read as such (<see cref="StoredEnvelope"/>).
    /// </summary>
    public void WithScope(ReadOnlySpan<byte> scope)
    {
        var resource = _resource.Written.Span;
        _envelope.Clear();
        _envelope.Raw(resource[.._attributesEnd]);
        _envelope.Byte(ScopeSpansTag);
        _envelope.Bytes(scope); // a varint length, then the bytes: protobuf's length-delimited value is RowBinary's String
        _envelope.Raw(resource[_attributesEnd..]);
        var envelope = _envelope.Written.Span;
        HashEnvelope(envelope);
        _column.Clear();
        _column.Bytes(envelope);
        _carriedDate = -1;
    }

    /// <summary>
    /// The first 16 bytes of the envelope's SHA-256: a resource's name for as long as its rows are kept, which a 64-bit
    /// hash would not guarantee over billions of resources. Computed once per ScopeSpans, and not again when the
    /// envelope is the previous one's (requests often repeat one resource per trace).
    /// </summary>
    private void HashEnvelope(ReadOnlySpan<byte> envelope)
    {
        if (_lastEnvelopeLength != envelope.Length || !envelope.SequenceEqual(_lastEnvelope.AsSpan(0, envelope.Length)))
        {
            Span<byte> digest = stackalloc byte[32];
            System.Security.Cryptography.SHA256.HashData(envelope, digest);
            digest[..16].CopyTo(_hash);
            if (envelope.Length <= _lastEnvelope.Length) envelope.CopyTo(_lastEnvelope);
            _lastEnvelopeLength = envelope.Length <= _lastEnvelope.Length ? envelope.Length : -1;
        }
        _key = System.Buffers.Binary.BinaryPrimitives.ReadUInt128LittleEndian(_hash);
    }
}
