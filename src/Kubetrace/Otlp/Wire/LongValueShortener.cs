using Kubetrace.Otlp.Validation;

namespace Kubetrace.Otlp.Wire;

/// <summary>
/// Shortens the string and bytes values much longer than <see cref="SpanLimits.MaxAttributeValueBytes"/> in an
/// encoded ExportTraceServiceRequest, before it is parsed into objects: parsed first, a 19 MiB value (a few KB
/// gzipped) becomes a 38 MiB .NET string before <see cref="SpanTrimmer"/> cuts it, and a few such requests at once
/// exhaust a capped heap. Everything else is copied byte for byte; only the lengths of the messages that enclose a
/// shortened value change.
/// </summary>
/// <remarks>
/// A value is left one character over the limit, not cut to it: the trimmer then cuts it as before, at the same
/// place (the bytes up to the limit are unchanged), and counts it exactly as before, with every rule that decides
/// the count kept in one place (values of refused spans, of attributes, events or links beyond their counts, and of
/// a oneof that a later field replaces are not counted). Two passes over the message tree: the first measures the
/// new length of every message on the path to a long value (kept by the offset of its first byte), the second
/// writes, copying every unchanged field whole. The scanner has checked the UTF-8 and the nesting depth.
/// </remarks>
internal static class LongValueShortener
{
    /// <summary>The request with its long values shortened, or null when it holds none (or cannot be walked field
    /// by field, e.g. a group in an unknown field: the trimmer then cuts after the parse, as before).</summary>
    public static byte[]? Shorten(ReadOnlySpan<byte> request, SpanLimits limits)
    {
        var walk = new Walk(limits);
        var length = Measure(request, 0, request.Length, Message.Request, walk);
        if (walk.Malformed || walk.NewLengths.Count == 0) return null;
        var output = GC.AllocateUninitializedArray<byte>(length);
        var written = Write(request, 0, request.Length, Message.Request, output, walk);
        return written == length ? output : throw new InvalidOperationException($"wrote {written} of {length} bytes");
    }
    private enum Message : byte
    {
        None, Request, ResourceSpans, Resource, ScopeSpans, Scope, Span, Event, Link, KeyValue, AnyValue, ArrayValue, KeyValueList,
    }

    /// <summary>The message in field <paramref name="field"/> of <paramref name="parent"/> that can hold attribute values.</summary>
    private static Message Child(Message parent, int field) => (parent, field) switch
    {
        (Message.Request, 1) => Message.ResourceSpans,
        (Message.ResourceSpans, 1) => Message.Resource,
        (Message.ResourceSpans, 2 or 1000) => Message.ScopeSpans, // 1000: the legacy instrumentation_library_spans
        (Message.Resource, 1) => Message.KeyValue,
        (Message.ScopeSpans, 1) => Message.Scope,
        (Message.ScopeSpans, 2) => Message.Span,
        (Message.Scope, 3) => Message.KeyValue,
        (Message.Span, 9) => Message.KeyValue,
        (Message.Span, 11) => Message.Event,
        (Message.Span, 13) => Message.Link,
        (Message.Event, 3) => Message.KeyValue,
        (Message.Link, 4) => Message.KeyValue,
        (Message.KeyValue, 2) => Message.AnyValue,
        (Message.AnyValue, 5) => Message.ArrayValue,
        (Message.AnyValue, 6) => Message.KeyValueList,
        (Message.ArrayValue, 1) => Message.AnyValue,
        (Message.KeyValueList, 1) => Message.KeyValue,
        _ => Message.None,
    };

    private const int StringValueField = 1, BytesValueField = 7;

    private static bool IsCuttable(Message kind, int field) => kind == Message.AnyValue && field is StringValueField or BytesValueField;

    private sealed class Walk(SpanLimits limits)
    {
        public SpanLimits Limits { get; } = limits;

        /// <summary>New length of each length-delimited value that changes, by the offset of its first byte.</summary>
        public Dictionary<int, int> NewLengths { get; } = [];

        public bool Malformed;
    }

    /// <summary>The new length of the message at <paramref name="start"/>; notes every changed value on the way.</summary>
    private static int Measure(ReadOnlySpan<byte> request, int start, int length, Message kind, Walk walk)
    {
        var message = request.Slice(start, length);
        var reader = new ProtoWireReader(message);
        var size = 0;
        while (!reader.AtEnd)
        {
            if (!reader.TryReadField(out var field))
            {
                walk.Malformed = true;
                return length;
            }
            var fieldSize = field.End - field.Start;
            var child = field.IsLengthDelimited ? Child(kind, field.Number) : Message.None;
            if (field.IsLengthDelimited && (child != Message.None || IsCuttable(kind, field.Number)))
            {
                var valueLength = field.End - field.ValueStart;
                var newLength = child != Message.None
                    ? Measure(request, start + field.ValueStart, valueLength, child, walk)
                    : SpanTrimmer.KeptBeforeParse(message.Slice(field.ValueStart, valueLength), walk.Limits.MaxAttributeValueBytes, utf8: field.Number == StringValueField);
                if (walk.Malformed) return length;
                if (newLength != valueLength)
                {
                    walk.NewLengths[start + field.ValueStart] = newLength;
                    fieldSize = ProtoWireWriter.VarintSize((uint)field.Number << 3) + ProtoWireWriter.VarintSize((uint)newLength) + newLength;
                }
            }
            size += fieldSize;
        }
        return size;
    }

    /// <summary>Writes the message at <paramref name="start"/> with its long values shortened; returns the bytes written.</summary>
    private static int Write(ReadOnlySpan<byte> request, int start, int length, Message kind, Span<byte> output, Walk walk)
    {
        var message = request.Slice(start, length);
        var reader = new ProtoWireReader(message);
        var written = 0;
        while (!reader.AtEnd)
        {
            reader.TryReadField(out var field);
            if (!field.IsLengthDelimited || !walk.NewLengths.TryGetValue(start + field.ValueStart, out var newLength))
            {
                message[field.Start..field.End].CopyTo(output[written..]);
                written += field.End - field.Start;
                continue;
            }
            written += WriteHeader(output[written..], field.Number, newLength);
            if (IsCuttable(kind, field.Number)) message.Slice(field.ValueStart, newLength).CopyTo(output[written..]);
            else Write(request, start + field.ValueStart, field.End - field.ValueStart, Child(kind, field.Number), output.Slice(written, newLength), walk);
            written += newLength;
        }
        return written;
    }

    /// <summary>A length-delimited field's tag (any field number: the legacy 1000 takes two bytes) and length.</summary>
    private static int WriteHeader(Span<byte> output, int field, int length)
    {
        var written = ProtoWireWriter.WriteVarint(output, ((uint)field << 3) | (uint)WireType.LengthDelimited);
        return written + ProtoWireWriter.WriteVarint(output[written..], (uint)length);
    }
}
