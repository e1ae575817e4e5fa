using Kubetrace.Storage.Encoding;

namespace Kubetrace.Storage.Blocks;

/// <summary>
/// The attribute keys of span events and links, read from the rows' extras (a partial OTLP Span) when a block is
/// written, for <see cref="BlockFooter.ExtraKeys"/>, and the events' names (<see cref="BlockFooter.EventNames"/>).
/// Only rows with extras are read, and only their keys and names decoded.
/// </summary>
internal static class ExtraKeys
{
    private const int EventsField = 11, LinksField = 13; // opentelemetry/proto/trace/v1/trace.proto, Span
    private const int EventNameField = 2; // Span.Event
    private const int EventAttributesField = 3, LinkAttributesField = 4; // Span.Event, Span.Link
    private const int KeyField = 1; // common.proto, KeyValue

    /// <summary>Adds the event and link attribute keys of a row's extras (a partial OTLP Span) to <paramref name="keys"/>
    /// and its events' names to <paramref name="eventNames"/>.</summary>
    public static void Add(ReadOnlySpan<byte> extras, HashSet<string> keys, HashSet<string> eventNames)
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
            if (attributesField == 0)
            {
                span.Skip(wire);
                continue;
            }
            var message = span.ReadBytes();
            AddKeys(message, attributesField, keys);
            if (field == EventsField) eventNames.Add(EventName(message));
        }
    }

    /// <summary>Whether some event of the span whose extras are <paramref name="extra"/> has a name <paramref name="test"/> accepts
    /// (no Span object is built: the events' name fields are read in place).</summary>
    public static bool AnyEventName(ReadOnlySpan<byte> extra, Func<string, bool> test)
    {
        var span = new ProtoReader(extra);
        while (span.TryReadTag(out var field, out var wire))
        {
            if (field != EventsField || wire != 2)
            {
                span.Skip(wire);
                continue;
            }
            if (test(EventName(span.ReadBytes()))) return true;
        }
        return false;
    }

    private static string EventName(ReadOnlySpan<byte> message)
    {
        var reader = new ProtoReader(message);
        var name = "";
        while (reader.TryReadTag(out var field, out var wire))
        {
            if (field == EventNameField && wire == 2) name = System.Text.Encoding.UTF8.GetString(reader.ReadBytes());
            else reader.Skip(wire);
        }
        return name;
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
