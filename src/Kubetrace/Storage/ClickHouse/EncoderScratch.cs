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
/// The columns a resource gives its spans, encoded once: service (the text of its last <c>service.name</c>, as the
/// object model found it) for every span; res_keys and res_values, and resource (the ResourceSpans envelope without its
/// spans) for the one span per batch and day that carries the resource (schema version 6, docs/storage.md "Resources
/// written once"), the others naming it by its hash.
/// </summary>
internal sealed class ResourceColumns
{
    /// <summary>res_keys and res_values of a span that does not carry its resource: two empty arrays.</summary>
    private static readonly byte[] NoArrays = [0, 0];

    /// <summary>resource of a span that does not carry it: an empty String.</summary>
    private static readonly byte[] NoColumn = [0];

    private readonly List<WireAttribute> _attributes = new(16);
    private readonly RowBinaryWriter _service = new(256);
    private readonly RowBinaryWriter _arrays = new(1024);
    private readonly RowBinaryWriter _column = new(1024);
    private readonly byte[] _hash = new byte[16];
    private readonly byte[] _lastEnvelope = new byte[1024];
    private int _lastEnvelopeLength = -1;
    private readonly HashSet<(UInt128 Hash, ushort Date)> _carried = [];
    private UInt128 _key;
    private int _carriedDate = -1;

    public ReadOnlySpan<byte> Service => _service.Written.Span;

    /// <summary>res_hash: the envelope's hash, zero for a resource without an envelope (nothing to look up).</summary>
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
        _column.Clear();
        _carriedDate = -1;
    }

    /// <summary>Whether a span of the resource starting on <paramref name="date"/> carries it: the first in this batch and
    /// day does, the others name it by <see cref="Hash"/>. A resource without an envelope has nothing to name: its (empty)
    /// columns are written as they are.</summary>
    public bool Carries(ushort date)
    {
        if (_key == UInt128.Zero) return true;
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

    /// <summary>Encodes the columns once every attribute is known; <paramref name="message"/> is the ResourceSpans.</summary>
    public void Seal(ReadOnlySpan<byte> message, ReadOnlySpan<byte> envelope)
    {
        HashEnvelope(envelope);
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

    /// <summary>
    /// The first 16 bytes of the envelope's SHA-256: a resource's name for as long as its rows are kept, which a 64-bit
    /// hash would not guarantee over billions of resources. Computed once per ResourceSpans, and not again when the
    /// envelope is the previous one's (requests often repeat one resource per trace).
    /// </summary>
    private void HashEnvelope(ReadOnlySpan<byte> envelope)
    {
        if (envelope.IsEmpty)
        {
            _hash.AsSpan().Clear();
        }
        else if (_lastEnvelopeLength != envelope.Length || !envelope.SequenceEqual(_lastEnvelope.AsSpan(0, envelope.Length)))
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
