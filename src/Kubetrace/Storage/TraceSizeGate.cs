using Kubetrace.Pipeline;
using Microsoft.Extensions.Logging;

namespace Kubetrace.Storage;

/// <summary>
/// <c>max_bytes_per_trace</c> in front of a store's write, one mechanism for every store (docs/storage.md, Bytes per
/// trace): the request's spans are admitted by <see cref="TraceSizeLimit"/>; the refused ones are told to the client
/// (partial_success, through the batch's <see cref="ExportReceipt"/>), counted
/// (<c>kubetrace_exporter_discarded_spans{reason="trace_too_large",tenant}</c>) and logged once per interval with a
/// count; what was admitted but could not be written is given back, so that the client's retry is counted once.
/// </summary>
internal sealed class TraceSizeGate(TraceSizeLimit limit, Telemetry.Counter? discarded, ILogger logger, Telemetry.LogThrottle refusals)
{
    public TraceSizeLimit Limit => limit;

    /// <summary>Writes what the limit admits of a batch of one segment (nothing when every span is refused): for a store
    /// that writes one request at a time (the embedded store appends a batch in segments segment by segment).</summary>
    /// <param name="write">Stores the admitted request (its bytes and spans); completes once they are stored.</param>
    public ValueTask WriteAsync(TraceBatch batch, Func<ReadOnlyMemory<byte>, int, CancellationToken, ValueTask> write,
        CancellationToken cancellationToken) =>
        WriteAsync(batch, (requests, spans, cancel) => requests.Count == 1 ? write(requests[0], spans, cancel)
            : throw new ArgumentException($"a batch of {requests.Count} segments given to a store that writes one request at a time"),
            cancellationToken);

    /// <summary>Writes what the limit admits of the batch, its segments as they are, never joined (nothing when every
    /// span is refused).</summary>
    /// <param name="write">Stores the admitted request (its segments, whose concatenation is the request, and its spans)
    /// at once; completes once they are stored.</param>
    public async ValueTask WriteAsync(TraceBatch batch, Func<IReadOnlyList<ReadOnlyMemory<byte>>, int, CancellationToken, ValueTask> write,
        CancellationToken cancellationToken)
    {
        var admitted = Admit(batch.EncodedSegments, batch.SpanCount);
        if (admitted.RefusedSpans > 0) Refused(batch, admitted);
        if (admitted.Spans == 0) return;
        try
        {
            await write(admitted.Requests, admitted.Spans, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            limit.GiveBack(admitted.Requests);
            throw;
        }
    }

    /// <summary>Tempo's <c>tempo_discarded_spans_total{reason="trace_too_large", tenant}</c>, per exporter.</summary>
    public static Telemetry.Counter DiscardedSpans(Telemetry.MetricsRegistry metrics, string exporter, string tenant) => metrics.Counter(
        "kubetrace_exporter_discarded_spans", "Spans the store refused, by reason (trace_too_large: max_bytes_per_trace) and tenant",
        ("exporter", exporter), ("reason", "trace_too_large"), ("tenant", tenant));

    private TraceAdmission Admit(IReadOnlyList<ReadOnlyMemory<byte>> segments, int spans)
    {
        try
        {
            return limit.Admit(segments, spans);
        }
        catch (Otlp.Wire.ProtobufFormatException e)
        {
            throw ConsumerException.Permanent($"the batch is not a valid OTLP request: {e.Message}", e);
        }
    }

    private void Refused(TraceBatch batch, TraceAdmission admitted)
    {
        batch.Receipt?.Refuse(admitted.RefusedSpans, admitted.Message!);
        discarded?.Add(admitted.RefusedSpans);
        if (refusals.TryReport(out var held))
            logger.LogWarning("{Message} ({Held} more refused requests since the last report)", admitted.Message, held);
    }
}
