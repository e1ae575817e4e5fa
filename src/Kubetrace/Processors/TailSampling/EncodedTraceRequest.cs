using System.Buffers;
using Kubetrace.Otlp.Wire;
using Kubetrace.Processors.Sampling;

namespace Kubetrace.Processors.TailSampling;

/// <summary>
/// Tail sampling's two crossings of the wire format: a received request cut into buffered spans (slices of its
/// bytes, under shared resource and scope envelopes), and kept spans written back into one request, grouped under
/// their original resources and scopes, each with its trace's rate in its tracestate.
/// </summary>
internal static class EncodedTraceRequest
{
    private const int ResourceSpansField = 1, ScopeSpansField = 2, SpansField = 2, TraceStateField = 3;
    private const int LegacyScopeSpansField = 1000;

    /// <summary>
    /// The request's spans in order, or null when the bytes cannot be walked. The pre-1.0 instrumentation-library
    /// groups (field 1000) are left out, as the object model's walk over scope groups always did.
    /// </summary>
    public static List<BufferedSpan>? Split(ReadOnlyMemory<byte> request, int expectedSpans = 0)
    {
        var spans = new List<BufferedSpan>(expectedSpans);
        var bytes = request.Span;
        var reader = new ProtoWireReader(bytes);
        while (!reader.AtEnd)
        {
            if (!reader.TryReadField(out var field) || field.Number != ResourceSpansField || !field.IsLengthDelimited) return null;
            if (!SplitResource(request[field.ValueStart..field.End], spans)) return null;
        }
        return spans;
    }

    private static bool SplitResource(ReadOnlyMemory<byte> resourceSpans, List<BufferedSpan> spans)
    {
        var bytes = resourceSpans.Span;
        if (Envelope(bytes, ScopeSpansField, LegacyScopeSpansField) is not { } envelope) return false;
        var resource = new ResourceGroup(envelope);
        var reader = new ProtoWireReader(bytes);
        while (!reader.AtEnd)
        {
            reader.TryReadField(out var field);
            if (field.Number != ScopeSpansField) continue;
            if (!field.IsLengthDelimited) return false;
            var scopeSpans = resourceSpans[field.ValueStart..field.End];
            if (Envelope(scopeSpans.Span, SpansField) is not { } scopeEnvelope) return false;
            var scope = new ScopeGroup(resource, scopeEnvelope);
            var scopeReader = new ProtoWireReader(scopeSpans.Span);
            while (!scopeReader.AtEnd)
            {
                scopeReader.TryReadField(out var spanField);
                if (spanField.Number != SpansField) continue;
                if (!spanField.IsLengthDelimited) return false;
                spans.Add(new BufferedSpan(scope, scopeSpans[spanField.ValueStart..spanField.End]));
            }
        }
        return true;
    }

    /// <summary>The message's fields other than <paramref name="childField"/> (and <paramref name="leftOut"/>), copied;
    /// null when it is malformed.</summary>
    private static byte[]? Envelope(ReadOnlySpan<byte> message, int childField, int leftOut = 0)
    {
        var output = new ArrayBufferWriter<byte>(64);
        var reader = new ProtoWireReader(message);
        while (!reader.AtEnd)
        {
            if (!reader.TryReadField(out var field)) return null;
            if (field.Number != childField && field.Number != leftOut) output.Write(message[field.Start..field.End]);
        }
        return output.WrittenSpan.ToArray();
    }

    /// <summary>One encoded request of the kept spans, grouped under their resources and scopes in first-seen order.</summary>
    /// <remarks>Sized first, then written once into an array of exactly that size: writing into growing buffers
    /// (per scope, per resource, the request, then a copy) allocated three times the kept bytes.</remarks>
    public static byte[] Assemble(List<(BufferedSpan Span, TraceDecision Decision)> kept)
    {
        var resources = new Dictionary<ResourceGroup, Dictionary<ScopeGroup, ScopeOutput>>(ReferenceEqualityComparer.Instance);
        // Most spans carry no tracestate: theirs is then the same for every span of a decision, made once.
        var fromEmpty = new Dictionary<TraceDecision, byte[]?>(ReferenceEqualityComparer.Instance);
        foreach (var (buffered, decision) in kept)
        {
            var group = buffered.Group;
            if (!resources.TryGetValue(group.Resource, out var scopes))
                resources[group.Resource] = scopes = new Dictionary<ScopeGroup, ScopeOutput>(ReferenceEqualityComparer.Instance);
            if (!scopes.TryGetValue(group, out var scope)) scopes[group] = scope = new ScopeOutput(group.Envelope.Length);
            var current = buffered.TraceState;
            byte[]? traceState;
            if (current.IsEmpty)
            {
                if (!fromEmpty.TryGetValue(decision, out traceState)) fromEmpty[decision] = traceState = Utf8(TraceStateWithRate("", decision));
            }
            else traceState = Utf8(TraceStateWithRate(System.Text.Encoding.UTF8.GetString(current), decision));
            scope.Add(buffered, traceState);
        }
        var total = 0;
        foreach (var (group, scopes) in resources) total += ProtoWireWriter.LengthDelimitedSize(ResourceSize(group, scopes));
        var request = new byte[total];
        var output = request.AsSpan();
        foreach (var (group, scopes) in resources)
        {
            output = output[ProtoWireWriter.WriteLengthDelimitedHeader(output, ResourceSpansField, ResourceSize(group, scopes))..];
            output = Put(output, group.Envelope);
            foreach (var (scopeGroup, scope) in scopes)
            {
                output = output[ProtoWireWriter.WriteLengthDelimitedHeader(output, ScopeSpansField, scope.Size)..];
                output = Put(output, scopeGroup.Envelope);
                for (var i = 0; i < scope.Spans.Count; i++) output = WriteSpan(output, scope.Spans[i], scope.TraceStates[i]);
            }
        }
        return request;
    }

    private static int ResourceSize(ResourceGroup group, Dictionary<ScopeGroup, ScopeOutput> scopes)
    {
        var size = group.Envelope.Length;
        foreach (var scope in scopes.Values) size += ProtoWireWriter.LengthDelimitedSize(scope.Size);
        return size;
    }

    /// <summary>The spans of one scope group on their way out, with their new tracestates and the encoded size of the whole.</summary>
    private sealed class ScopeOutput(int envelopeSize)
    {
        public List<BufferedSpan> Spans { get; } = [];

        public List<byte[]?> TraceStates { get; } = [];

        public int Size { get; private set; } = envelopeSize;

        public void Add(BufferedSpan span, byte[]? traceState)
        {
            Spans.Add(span);
            TraceStates.Add(traceState);
            Size += ProtoWireWriter.LengthDelimitedSize(SpanSize(span, traceState));
        }
    }

    private static Span<byte> Put(Span<byte> output, ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(output);
        return output[bytes.Length..];
    }

    private static byte[]? Utf8(string? text) => text is null ? null : System.Text.Encoding.UTF8.GetBytes(text);

    /// <summary>The encoded size of a span as <see cref="WriteSpan"/> writes it.</summary>
    private static int SpanSize(BufferedSpan buffered, byte[]? traceState)
    {
        var span = buffered.Encoded.Span;
        if (traceState is null) return span.Length;
        var length = ProtoWireWriter.LengthDelimitedSize(traceState.Length);
        if (buffered.Fields is { HasTraceStateField: false, WellFormed: true }) return length + span.Length;
        var reader = new ProtoWireReader(span);
        while (!reader.AtEnd && reader.TryReadField(out var field))
            if (field.Number != TraceStateField) length += field.End - field.Start;
        return length;
    }

    /// <summary>A span field: the span's bytes as they are when its tracestate stays, otherwise its other fields
    /// followed by the new tracestate (a span without a tracestate field, the common case, is copied whole).</summary>
    private static Span<byte> WriteSpan(Span<byte> output, BufferedSpan buffered, byte[]? traceState)
    {
        var span = buffered.Encoded.Span;
        output = output[ProtoWireWriter.WriteLengthDelimitedHeader(output, SpansField, SpanSize(buffered, traceState))..];
        if (traceState is null) return Put(output, span);
        if (buffered.Fields is { HasTraceStateField: false, WellFormed: true }) output = Put(output, span);
        else
        {
            var reader = new ProtoWireReader(span);
            while (!reader.AtEnd && reader.TryReadField(out var field))
                if (field.Number != TraceStateField) output = Put(output, span[field.Start..field.End]);
        }
        return output[ProtoWireWriter.WriteLengthDelimited(output, TraceStateField, traceState)..];
    }

    /// <summary>The tracestate with the decision's threshold (and randomness) recorded; null when it stays as it is
    /// (already recorded, not a valid tracestate, or an rv of its own that the decision did not use).</summary>
    internal static string? TraceStateWithRate(string current, TraceDecision decision)
    {
        if (!OtelTraceState.TryParse(current, out var state, out _)) return null;
        // A decision on our own randomness cannot be recorded over a different rv that the span already carries.
        if (decision.Randomness is { } randomness)
        {
            if (state.Randomness is { } existing && existing != randomness) return null;
            state.SetRandomness(randomness);
        }
        state.UpdateThreshold(decision.Threshold);
        var traceState = state.Serialize();
        return traceState == current ? null : traceState;
    }
}
