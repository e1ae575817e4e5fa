using System.Buffers;

namespace Kubetrace.Otlp.Wire;

/// <summary>
/// Rewrites an encoded ExportTraceServiceRequest span by span without building objects: each span is replaced by
/// what the caller returns for it (null: left out), inside copies of its scope and resource envelopes; a scope or
/// resource left without spans is left out, every other field is copied as it is. What keeps or changes spans on
/// the wire shares it (the probabilistic sampler's tracestate, the store's <c>max_bytes_per_trace</c>).
/// </summary>
internal static class EncodedSpanRewriter
{
    /// <summary>The new bytes of one span (its message, without tag and length); null drops it.</summary>
    public delegate byte[]? RewriteSpan(ReadOnlySpan<byte> span);

    private const int ResourceSpansField = 1, ScopeSpansField = 2, SpansField = 2;

    /// <summary>The request with each span rewritten; the caller has checked that it is well-formed.</summary>
    public static byte[] Rewrite(ReadOnlySpan<byte> request, RewriteSpan rewriteSpan)
    {
        RewriteChild rewriteScope = scope => Rewrite(scope, SpansField, span => rewriteSpan(span));
        var output = new ArrayBufferWriter<byte>(request.Length / 4 + 64);
        var reader = new ProtoWireReader(request);
        while (!reader.AtEnd)
        {
            reader.TryReadField(out var field);
            if (field.Number != ResourceSpansField || !field.IsLengthDelimited) output.Write(request[field.Start..field.End]);
            else if (Rewrite(request[field.ValueStart..field.End], ScopeSpansField, rewriteScope) is { } resource) Write(output, ResourceSpansField, resource);
        }
        return output.WrittenSpan.ToArray();
    }

    private delegate byte[]? RewriteChild(ReadOnlySpan<byte> child);

    /// <summary>A message with its <paramref name="childField"/> entries replaced by what <paramref name="rewrite"/>
    /// returns (null: left out); other fields copied as they are. Null when no child is left.</summary>
    private static byte[]? Rewrite(ReadOnlySpan<byte> message, int childField, RewriteChild rewrite)
    {
        var output = new ArrayBufferWriter<byte>(message.Length + 64);
        var anyChild = false;
        var reader = new ProtoWireReader(message);
        while (!reader.AtEnd)
        {
            reader.TryReadField(out var field);
            if (field.Number == childField && field.IsLengthDelimited)
            {
                var child = rewrite(message[field.ValueStart..field.End]);
                if (child is null) continue;
                Write(output, childField, child);
                anyChild = true;
            }
            else
            {
                output.Write(message[field.Start..field.End]);
            }
        }
        return anyChild ? output.WrittenSpan.ToArray() : null;
    }

    private static void Write(ArrayBufferWriter<byte> output, int fieldNumber, ReadOnlySpan<byte> value)
    {
        var destination = output.GetSpan(ProtoWireWriter.LengthDelimitedSize(value.Length));
        output.Advance(ProtoWireWriter.WriteLengthDelimited(destination, fieldNumber, value));
    }
}
