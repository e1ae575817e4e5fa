using Kubetrace.Storage.Encoding;

namespace Kubetrace.Storage.Blocks;

/// <summary>
/// The attribute keys of span events and links, read from the rows' extras (a partial OTLP Span) when a block is
/// written, for <see cref="BlockFooter.ExtraKeys"/>. Only rows with extras are read, and only their keys decoded.
/// </summary>
internal static class ExtraKeys
{
    private const int EventsField = 11, LinksField = 13; // opentelemetry/proto/trace/v1/trace.proto, Span
    private const int EventAttributesField = 3, LinkAttributesField = 4; // Span.Event, Span.Link
    private const int KeyField = 1; // common.proto, KeyValue

    /// <summary>Adds the event and link attribute keys of a row's extras (a partial OTLP Span) to <paramref name="keys"/>.</summary>
    public static void Add(ReadOnlySpan<byte> extras, HashSet<string> keys)
    {
        var span = new ProtoReader(extras);
        while (span.TryReadTag(out var field, out var wire))
        {
            var attributesField = (field, wire) switch
            {
                (EventsField, 2) => EventAttributesField,
                (LinksField, 2) => LinkAttributesField,
                _ => 0,
            };
            if (attributesField == 0) span.Skip(wire);
            else AddKeys(span.ReadBytes(), attributesField, keys);
        }
    }

    private static void AddKeys(ReadOnlySpan<byte> message, int attributesField, HashSet<string> keys)
    {
        var reader = new ProtoReader(message);
        while (reader.TryReadTag(out var field, out var wire))
        {
            if (field != attributesField || wire != 2)
            {
                reader.Skip(wire);
                continue;
            }
            var keyValue = new ProtoReader(reader.ReadBytes());
            while (keyValue.TryReadTag(out var kvField, out var kvWire))
            {
                if (kvField == KeyField && kvWire == 2) keys.Add(System.Text.Encoding.UTF8.GetString(keyValue.ReadBytes()));
                else keyValue.Skip(kvWire);
            }
        }
    }
}
