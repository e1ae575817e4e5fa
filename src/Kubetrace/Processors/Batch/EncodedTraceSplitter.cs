using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using Kubetrace.Otlp.Wire;

namespace Kubetrace.Processors.Batch;

/// <summary>
/// Cuts an encoded ExportTraceServiceRequest after a number of spans without decoding it: whole ScopeSpans and
/// spans are moved as raw bytes, and only the envelopes that straddle the cut are written anew (their resource,
/// scope and schema fields copied into both halves).
/// </summary>
/// <remarks>
/// Only the bytes up to the cut are walked, one tag per span. The halves are returned as segments (see
/// <see cref="Pipeline.TraceBatch.FromEncodedSegments"/>): the whole ResourceSpans before and after the cut are
/// slices of the input, not copies, and only the one ResourceSpans that straddles the cut is written anew. Anything
/// unexpected (malformed bytes, an unknown top-level field, legacy instrumentation_library_spans) makes it give up
/// so that the caller splits the decoded objects instead.
/// </remarks>
internal static class EncodedTraceSplitter
{
    private const int ResourceSpansField = 1; // in ExportTraceServiceRequest
    private const int ScopeSpansField = 2; // in ResourceSpans
    private const int LegacyScopeSpansField = 1000; // in ResourceSpans (OTLP < 0.15)
    private const int SpansField = 2; // in ScopeSpans

    public static bool TrySplit(ReadOnlyMemory<byte> encoded, int headSpans,
        [NotNullWhen(true)] out ReadOnlyMemory<byte>[]? head, [NotNullWhen(true)] out ReadOnlyMemory<byte>[]? tail)
    {
        head = tail = null;
        var request = encoded.Span;
        var remaining = headSpans;
        var reader = new ProtoWireReader(request);
        int headEnd = -1, tailStart = -1;
        byte[]? straddleHead = null, straddleTail = null;
        while (!reader.AtEnd && remaining > 0)
        {
            if (!reader.TryReadField(out var field)) return false;
            if (field.Number != ResourceSpansField || !field.IsLengthDelimited) return false;
            var resourceSpans = request[field.ValueStart..field.End];
            var spans = CountSpansInResource(resourceSpans);
            if (spans < 0) return false;
            if (spans < remaining)
            {
                remaining -= spans;
                continue;
            }
            if (spans == remaining)
            {
                headEnd = tailStart = field.End;
            }
            else
            {
                if (!TrySplitResource(resourceSpans, remaining, out straddleHead, out straddleTail)) return false;
                headEnd = field.Start;
                tailStart = field.End;
            }
            remaining = 0;
        }
        if (remaining > 0 || headEnd < 0) return false; // fewer spans than the batch claims, or nothing to cut

        head = straddleHead is null ? [encoded[..headEnd]] : [encoded[..headEnd], AsResourceSpansField(straddleHead)];
        tail = straddleTail is null ? [encoded[tailStart..]] : [AsResourceSpansField(straddleTail), encoded[tailStart..]];
        return true;
    }

    /// <summary>A top-level resource_spans field holding <paramref name="resourceSpans"/>.</summary>
    private static byte[] AsResourceSpansField(byte[] resourceSpans)
    {
        var output = GC.AllocateUninitializedArray<byte>(ProtoWireWriter.LengthDelimitedSize(resourceSpans.Length));
        ProtoWireWriter.WriteLengthDelimited(output, ResourceSpansField, resourceSpans);
        return output;
    }

    private static bool TrySplitResource(ReadOnlySpan<byte> resourceSpans, int headSpans,
        [NotNullWhen(true)] out byte[]? head, [NotNullWhen(true)] out byte[]? tail)
    {
        head = tail = null;
        var headWriter = new ArrayBufferWriter<byte>(resourceSpans.Length);
        var tailWriter = new ArrayBufferWriter<byte>(resourceSpans.Length);
        var remaining = headSpans;
        var reader = new ProtoWireReader(resourceSpans);
        while (!reader.AtEnd)
        {
            if (!reader.TryReadField(out var field)) return false;
            var raw = resourceSpans[field.Start..field.End];
            if (field.Number != ScopeSpansField || !field.IsLengthDelimited)
            {
                // Resource, schema_url, unknown fields: they describe every span, so both halves get them.
                headWriter.Write(raw);
                tailWriter.Write(raw);
                continue;
            }
            var scopeSpans = resourceSpans[field.ValueStart..field.End];
            var spans = CountSpansInScope(scopeSpans);
            if (spans < 0) return false;
            if (remaining == 0)
            {
                tailWriter.Write(raw);
            }
            else if (spans <= remaining)
            {
                headWriter.Write(raw);
                remaining -= spans;
            }
            else
            {
                if (!TrySplitScope(scopeSpans, remaining, out var scopeHead, out var scopeTail)) return false;
                WriteField(headWriter, ScopeSpansField, scopeHead);
                WriteField(tailWriter, ScopeSpansField, scopeTail);
                remaining = 0;
            }
        }
        head = headWriter.WrittenSpan.ToArray();
        tail = tailWriter.WrittenSpan.ToArray();
        return true;
    }

    private static bool TrySplitScope(ReadOnlySpan<byte> scopeSpans, int headSpans, out ReadOnlySpan<byte> head, out ReadOnlySpan<byte> tail)
    {
        head = tail = default;
        var headWriter = new ArrayBufferWriter<byte>(scopeSpans.Length);
        var tailWriter = new ArrayBufferWriter<byte>(scopeSpans.Length);
        var seen = 0;
        var reader = new ProtoWireReader(scopeSpans);
        while (!reader.AtEnd)
        {
            if (!reader.TryReadField(out var field)) return false;
            var raw = scopeSpans[field.Start..field.End];
            if (field.Number == SpansField && field.IsLengthDelimited)
            {
                (seen++ < headSpans ? headWriter : tailWriter).Write(raw);
                continue;
            }
            headWriter.Write(raw); // scope, schema_url: shared by both halves
            tailWriter.Write(raw);
        }
        head = headWriter.WrittenSpan;
        tail = tailWriter.WrittenSpan;
        return true;
    }

    private static void WriteField(ArrayBufferWriter<byte> writer, int fieldNumber, ReadOnlySpan<byte> value)
    {
        var size = ProtoWireWriter.LengthDelimitedSize(value.Length);
        ProtoWireWriter.WriteLengthDelimited(writer.GetSpan(size), fieldNumber, value);
        writer.Advance(size);
    }

    /// <summary>Spans in an encoded ResourceSpans; -1 when malformed or holding legacy scope spans.</summary>
    private static int CountSpansInResource(ReadOnlySpan<byte> resourceSpans)
    {
        var count = 0;
        var reader = new ProtoWireReader(resourceSpans);
        while (!reader.AtEnd)
        {
            if (!reader.TryReadField(out var field)) return -1;
            if (field.Number == LegacyScopeSpansField) return -1;
            if (field.Number != ScopeSpansField || !field.IsLengthDelimited) continue;
            var spans = CountSpansInScope(resourceSpans[field.ValueStart..field.End]);
            if (spans < 0) return -1;
            count += spans;
        }
        return count;
    }

    private static int CountSpansInScope(ReadOnlySpan<byte> scopeSpans)
    {
        var count = 0;
        var reader = new ProtoWireReader(scopeSpans);
        while (!reader.AtEnd)
        {
            if (!reader.TryReadField(out var field)) return -1;
            if (field.Number == SpansField && field.IsLengthDelimited) count++;
        }
        return count;
    }
}
