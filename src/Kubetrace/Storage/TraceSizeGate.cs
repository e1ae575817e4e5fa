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

    /// <summary>Writes what the limit admits of the batch (nothing when every span is refused) to a store that writes one
    /// request at a time (the embedded store's WAL record; it hands a batch in segments over segment by segment, so a
    /// batch in segments is joined here only for another such store).</summary>
    /// <param name="write">Stores the admitted request (its bytes and spans); completes once they are stored.</param>
    public ValueTask WriteAsync(TraceBatch batch, Func<ReadOnlyMemory<byte>, int, CancellationToken, ValueTask> write,
        CancellationToken cancellationToken) => WriteAsync(batch, new OneRequest(write), cancellationToken);

    /// <summary>Writes what the limit admits of the batch (nothing when every span is refused) to a store that takes its
    /// segments as they are, never joined (ClickHouse: one INSERT of every segment's rows).</summary>
    /// <param name="write">Stores the admitted request (its segments, whose concatenation is the request, and its spans)
    /// at once; completes once they are stored.</param>
    public ValueTask WriteAsync(TraceBatch batch, Func<IReadOnlyList<ReadOnlyMemory<byte>>, int, CancellationToken, ValueTask> write,
        CancellationToken cancellationToken) => WriteAsync(batch, new Segments(write), cancellationToken);

    /// <summary>The one mechanism behind both shapes of store: admit, report what was refused, write what was admitted (the
    /// batch as given when nothing was refused), give it back when it could not be written.</summary>
    /// <remarks>Generic over a struct, and asynchronous only once the write is, so that an append within the limit
    /// allocates nothing here (no closure, no list, no state machine for a write that completes at once).</remarks>
    private ValueTask WriteAsync<TStore>(TraceBatch batch, TStore store, CancellationToken cancellationToken) where TStore : struct, IStore
    {
        var admitted = Admit(batch, store);
        if (admitted.RefusedSpans > 0) Refused(batch, admitted);
        if (admitted.Spans == 0) return ValueTask.CompletedTask;
        ValueTask written;
        try
        {
            written = store.WriteAsync(batch, admitted, cancellationToken);
        }
        catch
        {
            GiveBack(batch, admitted);
            throw;
        }
        return written.IsCompletedSuccessfully ? written : GiveBackIfNotWrittenAsync(written, batch, admitted);
    }

    private async ValueTask GiveBackIfNotWrittenAsync(ValueTask written, TraceBatch batch, TraceAdmission admitted)
    {
        try
        {
            await written.ConfigureAwait(false);
        }
        catch
        {
            GiveBack(batch, admitted);
            throw;
        }
    }

    private void GiveBack(TraceBatch batch, TraceAdmission admitted) => limit.GiveBack(admitted.Kept ?? batch.EncodedSegments);

    /// <summary>How a store takes a batch: what the limit walks, and what the store is given.</summary>
    private interface IStore
    {
        TraceAdmission Admit(TraceSizeLimit limit, TraceBatch batch);

        ValueTask WriteAsync(TraceBatch batch, TraceAdmission admitted, CancellationToken cancellationToken);
    }

    private readonly struct OneRequest(Func<ReadOnlyMemory<byte>, int, CancellationToken, ValueTask> write) : IStore
    {
        public TraceAdmission Admit(TraceSizeLimit limit, TraceBatch batch) => limit.Admit(batch.Encoded, batch.SpanCount);

        // One request walked, so at most one kept.
        public ValueTask WriteAsync(TraceBatch batch, TraceAdmission admitted, CancellationToken cancellationToken) =>
            write(admitted.Kept is { } kept ? kept[0] : batch.Encoded, admitted.Spans, cancellationToken);
    }

    private readonly struct Segments(Func<IReadOnlyList<ReadOnlyMemory<byte>>, int, CancellationToken, ValueTask> write) : IStore
    {
        public TraceAdmission Admit(TraceSizeLimit limit, TraceBatch batch) => limit.Admit(batch.EncodedSegments, batch.SpanCount);

        public ValueTask WriteAsync(TraceBatch batch, TraceAdmission admitted, CancellationToken cancellationToken) =>
            write(admitted.Kept ?? batch.EncodedSegments, admitted.Spans, cancellationToken);
    }

    /// <summary>Tempo's <c>tempo_discarded_spans_total{reason="trace_too_large", tenant}</c>, per exporter.</summary>
    public static Telemetry.Counter DiscardedSpans(Telemetry.MetricsRegistry metrics, string exporter, string tenant) => metrics.Counter(
        "kubetrace_exporter_discarded_spans", "Spans the store refused, by reason (trace_too_large: max_bytes_per_trace) and tenant",
        ("exporter", exporter), ("reason", "trace_too_large"), ("tenant", tenant));

    private TraceAdmission Admit<TStore>(TraceBatch batch, TStore store) where TStore : struct, IStore
    {
        try
        {
            return store.Admit(limit, batch);
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
