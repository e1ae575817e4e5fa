using Kubetrace.Storage.Encoding;

namespace Kubetrace.Storage.Scan.Columnar;

/// <summary>
/// Reads the links and the tracestate out of a stored partial span (the rarely-set fields kept as protobuf, see
/// SpanTable) without parsing it into objects: field 13 is a Link whose fields 1 and 2 are the trace and span IDs,
/// field 3 the W3C tracestate.
/// </summary>
internal static class LinkReader
{
    private const int LinksField = 13;
    private const int TraceStateField = 3;

    /// <summary>The tracestate's UTF-8 bytes; empty when the span has none.</summary>
    public static ReadOnlySpan<byte> TraceState(ReadOnlySpan<byte> partialSpan)
    {
        var reader = new ProtoReader(partialSpan);
        while (reader.TryReadTag(out var field, out var wire))
        {
            if (field == TraceStateField && wire == 2) return reader.ReadBytes();
            reader.Skip(wire);
        }
        return [];
    }

    public static void Read(ReadOnlySpan<byte> partialSpan, List<ScannedLink> links)
    {
        links.Clear();
        var reader = new ProtoReader(partialSpan);
        while (reader.TryReadTag(out var field, out var wire))
        {
            if (field != LinksField || wire != 2)
            {
                reader.Skip(wire);
                continue;
            }
            var link = new ProtoReader(reader.ReadBytes());
            TraceId traceId = default;
            ulong spanId = 0;
            while (link.TryReadTag(out var linkField, out var linkWire))
            {
                if (linkField == 1 && linkWire == 2) traceId = TraceId.FromBytes(link.ReadBytes());
                else if (linkField == 2 && linkWire == 2) spanId = SpanIdOf(link.ReadBytes());
                else link.Skip(linkWire);
            }
            links.Add(new ScannedLink(traceId, spanId));
        }
    }

    private static ulong SpanIdOf(ReadOnlySpan<byte> bytes)
    {
        ulong value = 0;
        foreach (var b in bytes[Math.Max(0, bytes.Length - 8)..]) value = (value << 8) | b;
        return value;
    }
}
