using Kubetrace.Otlp.Wire;

namespace Kubetrace.Processors.ProbabilisticSampler;

/// <summary>
/// Samples an encoded request without building objects (<see cref="EncodedSpanRewriter"/>): asks for each span's
/// trace ID whether it is kept (and with which tracestate), and writes the kept spans' bytes with that tracestate
/// appended as field 3 (the span has none, and a later value of a field wins anyway).
/// </summary>
/// <remarks>
/// Only the common case is handled here: spans without tracestate and without a <c>sampling.priority</c>
/// attribute, and no unknown or legacy envelope fields. Anything else returns null and the processor decodes the
/// request, so both paths decide exactly alike.
/// </remarks>
internal static class EncodedSpanSampler
{
    /// <summary>Decides one span by its trace ID: the tracestate to write when kept, null when dropped.</summary>
    public delegate string? Decide(ReadOnlySpan<byte> traceId);

    private const int ResourceSpansField = 1, ScopeSpansField = 2, SpansField = 2;
    private const int TraceStateField = 3, AttributesField = 9, KeyField = 1;
    private const int LegacyScopeSpansField = 1000;

    public static byte[]? TrySample(ReadOnlySpan<byte> request, Decide decide, out int keptSpans)
    {
        keptSpans = 0;
        if (!CanSample(request)) return null;
        var kept = 0;
        var output = EncodedSpanRewriter.Rewrite(request, span =>
        {
            var traceState = decide(EncodedSpanWalker.TraceId(span));
            if (traceState is null) return null;
            kept++;
            return WithTraceState(span, traceState);
        });
        keptSpans = kept;
        return output;
    }

    private static byte[] WithTraceState(ReadOnlySpan<byte> span, string traceState)
    {
        var state = System.Text.Encoding.UTF8.GetBytes(traceState);
        var output = new byte[span.Length + ProtoWireWriter.LengthDelimitedSize(state.Length)];
        span.CopyTo(output);
        ProtoWireWriter.WriteLengthDelimited(output.AsSpan(span.Length), TraceStateField, state);
        return output;
    }

    /// <summary>True when the whole request is well-formed and in the common case this path handles.</summary>
    private static bool CanSample(ReadOnlySpan<byte> request)
    {
        var reader = new ProtoWireReader(request);
        while (!reader.AtEnd)
        {
            if (!reader.TryReadField(out var field) || field.Number != ResourceSpansField || !field.IsLengthDelimited) return false;
            var resource = request[field.ValueStart..field.End];
            var resourceReader = new ProtoWireReader(resource);
            while (!resourceReader.AtEnd)
            {
                if (!resourceReader.TryReadField(out var resourceField) || resourceField.Number == LegacyScopeSpansField) return false;
                if (resourceField.Number != ScopeSpansField) continue;
                if (!resourceField.IsLengthDelimited || !CanSampleScope(resource[resourceField.ValueStart..resourceField.End])) return false;
            }
        }
        return true;
    }

    private static bool CanSampleScope(ReadOnlySpan<byte> scope)
    {
        var reader = new ProtoWireReader(scope);
        while (!reader.AtEnd)
        {
            if (!reader.TryReadField(out var field)) return false;
            if (field.Number != SpansField) continue;
            if (!field.IsLengthDelimited || !CanSampleSpan(scope[field.ValueStart..field.End])) return false;
        }
        return true;
    }

    private static bool CanSampleSpan(ReadOnlySpan<byte> span)
    {
        var reader = new ProtoWireReader(span);
        while (!reader.AtEnd)
        {
            if (!reader.TryReadField(out var field)) return false;
            if (field.Number == TraceStateField && field.End > field.ValueStart) return false;
            if (field.Number == AttributesField && field.IsLengthDelimited && IsSamplingPriority(span[field.ValueStart..field.End])) return false;
        }
        return true;
    }

    private static bool IsSamplingPriority(ReadOnlySpan<byte> keyValue)
    {
        var reader = new ProtoWireReader(keyValue);
        while (!reader.AtEnd)
        {
            if (!reader.TryReadField(out var field)) return true; // malformed: let the decoder report it
            if (field.Number == KeyField && field.IsLengthDelimited)
                return keyValue[field.ValueStart..field.End].SequenceEqual(SamplingPriorityAttribute.KeyUtf8);
        }
        return false;
    }
}
