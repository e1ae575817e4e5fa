using Kubetrace.Storage.Encoding;

namespace Kubetrace.Storage.Scan.Columnar;

/// <summary>
/// Reads the links out of a stored partial span (the rarely-set fields kept as protobuf, see SpanTable) without
/// parsing it into objects: field 13 is a Link whose fields 1 and 2 are the trace and span IDs.
/// </summary>
internal static class LinkReader
{
    private const int LinksField = 13;

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
