using Kubetrace.Otlp.Wire;
using Kubetrace.Storage.Model;

namespace Kubetrace.Storage.ClickHouse;

/// <summary>
/// Turns an encoded OTLP request into RowBinary rows of the spans table (<see cref="ClickHouseSchema.SpanColumns"/>)
/// straight from its protobuf bytes: no OTLP objects, no strings. A text column gets the UTF-8 bytes as they arrived;
/// a resource's and a scope's columns are encoded once; a scope's are copied into each of its spans' rows, a resource's
/// into one row per call and day, the others naming it by its hash (<see cref="ResourceColumns"/>, schema version 6). Scalar attribute
/// values are stored as text with their type (<see cref="AttributeType"/>), so that they are searchable and come back
/// exactly; everything else of a span travels in <c>extra</c>, an OTLP Span message of the fields copied as they came.
/// </summary>
/// <remarks>
/// The rows are those the object model wrote before (docs/benchmarks.md, issue 16: decoding the request into objects
/// and re-encoding each resource per span was most of Kubetrace's 18 µs per span): fields are read in order with
/// protobuf's rules (a scalar given twice: the last wins; a message given twice: merged), and <c>extra</c> and the
/// resource/scope envelopes are written in field-number order, as a protobuf serializer writes them.
/// </remarks>
internal static class SpanRowEncoder
{
    private const long NanosPerDay = 86_400_000_000_000;

    [ThreadStatic] private static EncoderScratch? t_scratch;

    /// <summary>Writes the spans of an encoded ExportTraceServiceRequest, arrived now; returns how many.</summary>
    /// <exception cref="ProtobufFormatException">The bytes are not an OTLP request.</exception>
    public static int Write(ReadOnlySpan<byte> request, RowBinaryWriter rows) =>
        Write(request, rows, (ulong)TimeRange.ToNanos(DateTimeOffset.UtcNow));

    /// <summary>The same for a request in segments (their concatenation is the request), each read where it is: the
    /// rows follow one another as the segments do, numbered on from one arrival time.</summary>
    public static int Write(IReadOnlyList<ReadOnlyMemory<byte>> segments, RowBinaryWriter rows)
    {
        var written = (ulong)TimeRange.ToNanos(DateTimeOffset.UtcNow);
        var scratch = StartBatch();
        var count = 0;
        foreach (var segment in segments) count += WriteRequest(segment.Span, rows, written + (ulong)count, scratch);
        return count;
    }

    /// <param name="written">The arrival time (Unix ns) of the first span; each next span is one more, so that a trace comes
    /// back in the order written.</param>
    public static int Write(ReadOnlySpan<byte> request, RowBinaryWriter rows, ulong written) =>
        WriteRequest(request, rows, written, StartBatch());

    /// <summary>The thread's scratch, with no resource carried yet: the rows written until the next call carry each of
    /// their resources once (they are one INSERT's, or a part of one).</summary>
    private static EncoderScratch StartBatch()
    {
        var scratch = t_scratch ??= new EncoderScratch();
        scratch.Resource.StartBatch();
        return scratch;
    }

    private static int WriteRequest(ReadOnlySpan<byte> request, RowBinaryWriter rows, ulong written, EncoderScratch scratch)
    {
        var count = 0;
        var reader = new ProtoWireReader(request);
        while (!reader.AtEnd)
        {
            var (field, type) = reader.ReadTag();
            if (field == 1 && type == WireType.LengthDelimited)
                count += WriteResourceSpans(reader.ReadLengthDelimited(), rows, written + (ulong)count, scratch);
            else reader.Skip(field, type, 0);
        }
        return count;
    }

    /// <summary>ResourceSpans: 1 resource, 2 scope_spans, 3 schema_url.</summary>
    private static int WriteResourceSpans(ReadOnlySpan<byte> message, RowBinaryWriter rows, ulong written, EncoderScratch scratch)
    {
        var resource = scratch.Resource;
        resource.Reset();
        CopyEnvelope(message, scratch.Envelope, resource);
        resource.Seal(message, scratch.Envelope.Written.Span);
        var count = 0;
        var reader = new ProtoWireReader(message);
        while (!reader.AtEnd)
        {
            var (field, type) = reader.ReadTag();
            if (field == 2 && type == WireType.LengthDelimited)
                count += WriteScopeSpans(reader.ReadLengthDelimited(), rows, written + (ulong)count, scratch);
            else reader.Skip(field, type, 0);
        }
        return count;
    }

    /// <summary>ScopeSpans: 1 scope, 2 spans, 3 schema_url.</summary>
    private static int WriteScopeSpans(ReadOnlySpan<byte> message, RowBinaryWriter rows, ulong written, EncoderScratch scratch)
    {
        CopyEnvelope(message, scratch.Envelope, resource: null);
        scratch.Scope.Clear();
        scratch.Scope.Bytes(scratch.Envelope.Written.Span);
        var count = 0;
        var reader = new ProtoWireReader(message);
        while (!reader.AtEnd)
        {
            var (field, type) = reader.ReadTag();
            if (field == 2 && type == WireType.LengthDelimited)
            {
                WireSpan.Write(reader.ReadLengthDelimited(), rows, written + (ulong)count, scratch);
                count++;
            }
            else reader.Skip(field, type, 0);
        }
        return count;
    }

    /// <summary>
    /// A ResourceSpans or ScopeSpans without its children, as a serializer writes it: field 1 (the resource or scope;
    /// given twice it merges, so every occurrence is copied, in order), then field 3 (the schema URL: the last one,
    /// left out when empty). The resource's attributes are collected on the way.
    /// </summary>
    private static void CopyEnvelope(ReadOnlySpan<byte> message, RowBinaryWriter envelope, ResourceColumns? resource)
    {
        envelope.Clear();
        var schemaUrl = (Start: 0, End: 0);
        var reader = new ProtoWireReader(message);
        while (!reader.AtEnd)
        {
            var start = reader.Offset;
            var (field, type) = reader.ReadTag();
            if (field == 1 && type == WireType.LengthDelimited)
            {
                var body = reader.ReadNested();
                envelope.Raw(message[start..reader.Offset]);
                resource?.AddAttributes(body);
            }
            else if (field == 3 && type == WireType.LengthDelimited)
            {
                reader.ReadLengthDelimited();
                schemaUrl = (start, reader.Offset);
            }
            else reader.Skip(field, type, 0);
        }
        if (schemaUrl.End - schemaUrl.Start > 2) envelope.Raw(message[schemaUrl.Start..schemaUrl.End]);
    }

    /// <summary>The partition date of a span start (days since 1970, as ClickHouse's Date).</summary>
    public static ushort Date(ulong startUnixNano) => (ushort)Math.Clamp((long)(startUnixNano / NanosPerDay), 0, ushort.MaxValue);
}
