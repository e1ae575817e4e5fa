using Google.Protobuf;

namespace Kubetrace.Storage.Model;

/// <summary>
/// Spans as columns, with ids into <see cref="Dictionaries"/>. The head block appends to one; a block's row
/// group decodes into one; queries and trace assembly read both the same way.
/// </summary>
/// <remarks>
/// Attribute values: an id ≥ 0 points into the value dictionary, an id &lt; 0 is <c>~index</c> into
/// <see cref="Uuids"/> (UUID-looking strings, kept as 16 bytes instead of a dictionary entry each).
/// Rarely-set fields (events, links, trace state, dropped counts) are kept as a protobuf-encoded partial Span in
/// <see cref="ExtraData"/>, referenced by <see cref="Extra"/> (-1 when none).
/// </remarks>
internal sealed class SpanTable
{
    public SpanTable(Dictionaries dictionaries, int capacity = 1024)
    {
        Dictionaries = dictionaries;
        TraceIds = new(capacity);
        SpanIds = new(capacity);
        ParentSpanIds = new(capacity);
        Starts = new(capacity);
        Ends = new(capacity);
        Names = new(capacity);
        KindStatus = new(capacity);
        StatusMessages = new(capacity);
        Resources = new(capacity);
        Scopes = new(capacity);
        Flags = new(capacity);
        AttrEnds = new(capacity);
        AttrKeys = new(capacity * 12);
        AttrValues = new(capacity * 12);
        Extra = new(capacity);
        ExtraData = new(16);
        Uuids = new(16);
    }

    public Dictionaries Dictionaries { get; }

    public GrowList<UInt128> TraceIds { get; }
    public GrowList<ulong> SpanIds { get; }
    public GrowList<ulong> ParentSpanIds { get; }
    public GrowList<ulong> Starts { get; }
    public GrowList<ulong> Ends { get; }
    public GrowList<int> Names { get; }
    /// <summary>Span kind in the low 4 bits, status code above.</summary>
    public GrowList<byte> KindStatus { get; }
    public GrowList<int> StatusMessages { get; }
    public GrowList<int> Resources { get; }
    public GrowList<int> Scopes { get; }
    public GrowList<uint> Flags { get; }
    /// <summary>End offset (exclusive) of each row's attributes in <see cref="AttrKeys"/>/<see cref="AttrValues"/>.</summary>
    public GrowList<int> AttrEnds { get; }
    public GrowList<int> AttrKeys { get; }
    public GrowList<int> AttrValues { get; }
    public GrowList<int> Extra { get; }
    public GrowList<ByteString> ExtraData { get; }
    public GrowList<UInt128> Uuids { get; }

    /// <summary>Rows fully written (readers use this as their snapshot).</summary>
    public int Count => AttrEnds.Count;

    public int Kind(int row) => KindStatus.Items[row] & 0xF;

    public int StatusCode(int row) => KindStatus.Items[row] >> 4;

    public long Duration(int row) => (long)(Ends.Items[row] - Starts.Items[row]);

    public string Service(int row) => Dictionaries.Resources[Resources.Items[row]].Service;

    public string Name(int row) => Dictionaries.Strings[Names.Items[row]];

    public (int Start, int End) AttrRange(int row) => (row == 0 ? 0 : AttrEnds.Items[row - 1], AttrEnds.Items[row]);

    public string ValueText(int valueId) =>
        valueId >= 0 ? Dictionaries.Values.Text(valueId) : Uuid.Format(Uuids.Items[~valueId]);

    public int AddUuid(UInt128 value)
    {
        Uuids.Add(value);
        return ~(Uuids.Count - 1);
    }
}
