using Google.Protobuf;
using Kubetrace.Pipeline;
using Kubetrace.Storage;
using Kubetrace.Telemetry;

namespace Kubetrace.Tests.Storage;

/// <summary>
/// Tempo's <c>max_bytes_per_trace</c> in the embedded store: a trace's bytes add up across requests; the spans of
/// the trace in the request that takes it past the limit are refused, all of them, and so are its later parts,
/// while the other traces of those requests are stored; the refusal is told to the exporting client (the batch's
/// receipt) and counted; a trace not seen since the previous head cut is forgotten; the size table is bounded.
/// </summary>
public sealed class MaxBytesPerTraceTests
{
    private const long Limit = 4096;

    [Fact]
    public async Task The_part_that_takes_a_trace_past_the_limit_and_every_later_part_are_refused_and_the_other_traces_stored()
    {
        var discarded = new Counter();
        await using var store = new TempStore(dir => new StoreOptions { Directory = dir, Retention = TimeSpan.Zero, MaxBytesPerTrace = Limit, DiscardedSpans = discarded });

        var first = await AppendAsync(store.Store, Sized(1, 1, 1000), Sized(1, 2, 1000), Sized(1, 3, 1000));
        var second = await AppendAsync(store.Store, Sized(1, 4, 1000), Sized(2, 5, 1000), Sized(1, 6, 1000));
        var third = await AppendAsync(store.Store, Sized(1, 7, 10));

        Assert.Null(first.Message);
        Assert.Equal(2, second.RefusedSpans);
        Assert.StartsWith("2 of 3 spans refused: TRACE_TOO_LARGE: max size of trace (4096) exceeded while adding ", second.Message);
        Assert.Contains($" bytes to trace {Hex(1)} (max_bytes_per_trace)", second.Message);
        Assert.Equal(1, third.RefusedSpans);
        Assert.Equal(3, discarded.Value);
        Assert.Equal(new[] { 1, 2, 3 }, await SpanIdsAsync(store.Store, 1));
        Assert.Equal(new[] { 5 }, await SpanIdsAsync(store.Store, 2));
    }

    [Fact]
    public async Task The_refused_spans_are_not_in_the_WAL_either()
    {
        await using var store = new TempStore(dir => new StoreOptions { Directory = dir, Retention = TimeSpan.Zero, MaxBytesPerTrace = Limit });
        await AppendAsync(store.Store, Sized(1, 1, 3000));
        await AppendAsync(store.Store, Sized(1, 2, 3000), Sized(2, 3, 100));

        var restarted = store.Crash();

        Assert.Equal(new[] { 1 }, await SpanIdsAsync(restarted, 1));
        Assert.Equal(new[] { 3 }, await SpanIdsAsync(restarted, 2));
    }

    [Fact]
    public async Task A_trace_not_seen_since_the_previous_head_cut_is_forgotten_and_one_seen_is_remembered()
    {
        await using var store = new TempStore(dir => new StoreOptions { Directory = dir, Retention = TimeSpan.Zero, MaxBytesPerTrace = Limit });
        await AppendAsync(store.Store, Sized(1, 1, 3000), Sized(2, 2, 3000));
        await store.Store.FlushHeadAsync();
        await AppendAsync(store.Store, Sized(2, 3, 10));   // trace 2 is seen again; trace 1 is not
        await store.Store.FlushHeadAsync();

        var forgotten = await AppendAsync(store.Store, Sized(1, 4, 3000));
        var remembered = await AppendAsync(store.Store, Sized(2, 5, 3000));

        Assert.Null(forgotten.Message);
        Assert.Equal(1, remembered.RefusedSpans);
        Assert.Equal(new[] { 1, 4 }, await SpanIdsAsync(store.Store, 1));
        Assert.Equal(new[] { 2, 3 }, await SpanIdsAsync(store.Store, 2));
    }

    [Fact]
    public async Task A_request_whose_every_span_is_refused_is_acknowledged_with_all_of_them_reported()
    {
        await using var store = new TempStore(dir => new StoreOptions { Directory = dir, Retention = TimeSpan.Zero, MaxBytesPerTrace = Limit });

        var refused = await AppendAsync(store.Store, Sized(1, 1, 3000), Sized(1, 2, 3000));

        Assert.Equal(2, refused.RefusedSpans);
        Assert.StartsWith("2 of 2 spans refused: TRACE_TOO_LARGE", refused.Message);
        Assert.Null(await store.Store.GetTraceAsync(TraceId.FromByteString(Spans.TraceId(1)), CancellationToken.None));
    }

    [Fact]
    public async Task A_trace_sent_in_many_parts_across_a_head_cut_and_a_crash_keeps_every_acknowledged_span_and_no_refused_one()
    {
        await using var store = new TempStore(dir => new StoreOptions { Directory = dir, Retention = TimeSpan.Zero, MaxBytesPerTrace = Limit });
        var acknowledged = new List<int>();
        for (var id = 1; id <= 8; id++)
        {
            if ((await AppendAsync(store.Store, Sized(1, id, 850))).RefusedSpans == 0) acknowledged.Add(id);
            if (id == 2) await store.Store.FlushHeadAsync();              // the trace's size outlives the cut
            if (id == 5) await AppendAsync(store.Store, Sized(1, 4, 850)); // a part sent again counts again
        }

        var restarted = store.Crash();

        Assert.Equal([1, 2, 3, 4], acknowledged);
        Assert.Equal(new[] { 1, 2, 3, 4 }, await SpanIdsAsync(restarted, 1));
    }

    [Fact]
    public void What_could_not_be_written_is_given_back_even_after_a_head_cut_so_the_retry_is_counted_once()
    {
        var limit = new TraceSizeLimit(Limit, maxTrackedTraces: 100);
        ReadOnlyMemory<byte> request = Spans.Request(new[] { Sized(1, 1, 3000) }.AsEnumerable()).ToByteArray();

        Assert.Equal(0, limit.Admit(request, 1).RefusedSpans);
        limit.ForgetUnseen();        // the head is cut while the write fails (the WAL's disk is full)
        limit.GiveBack([request]);

        Assert.Equal(0, limit.Admit(request, 1).RefusedSpans);
    }

    [Fact]
    public void The_table_of_trace_sizes_holds_at_most_two_generations_of_its_bound()
    {
        var limit = new TraceSizeLimit(Limit, maxTrackedTraces: 100);

        for (var trace = 1; trace <= 1000; trace++)
        {
            var request = Spans.Request(new[] { Sized(trace, 1, 10) }.AsEnumerable()).ToByteArray();
            Assert.Equal(0, limit.Admit(request, 1).RefusedSpans);
        }

        Assert.InRange(limit.TrackedTraces, 100, 200);
    }

    [Fact]
    public void A_request_in_segments_is_admitted_as_one_request_and_a_refused_trace_is_taken_out_of_every_segment()
    {
        var limit = new TraceSizeLimit(Limit, maxTrackedTraces: 100);
        ReadOnlyMemory<byte> Segment(params OtlpSpan[] spans) => Spans.Request(spans.AsEnumerable()).ToByteArray();

        // Trace 1 has 3,000 bytes in each segment: within the limit in either, past it in the request they make together.
        var admitted = limit.Admit([Segment(Sized(1, 1, 3000), Sized(2, 2, 100)), Segment(Sized(1, 3, 3000), Sized(3, 4, 100))], 4);

        Assert.Equal(2, admitted.RefusedSpans);
        Assert.Equal(2, admitted.Spans);
        Assert.Equal([[2], [4]], admitted.Kept!.Select(segment => Kubetrace.Otlp.Proto.Collector.ExportTraceServiceRequest.Parser.ParseFrom(segment.Span)
            .ResourceSpans.SelectMany(r => r.ScopeSpans).SelectMany(s => s.Spans).Select(SpanIdOf).ToArray()));
    }

    private static OtlpSpan Sized(int trace, int id, int payloadBytes) =>
        Spans.Span(trace, id, 0, "op", attributes: ("payload", new string('x', payloadBytes)));

    private static async Task<ExportReceipt> AppendAsync(EmbeddedTraceStore store, params OtlpSpan[] spans)
    {
        var batch = TraceBatch.FromEncoded(Spans.Request(spans.AsEnumerable()).ToByteArray(), spans.Length);
        var receipt = batch.Receipt = new ExportReceipt();
        await store.AppendAsync(batch, CancellationToken.None);
        return receipt;
    }

    private static async Task<int[]> SpanIdsAsync(EmbeddedTraceStore store, int trace)
    {
        var stored = await store.GetTraceAsync(TraceId.FromByteString(Spans.TraceId(trace)), CancellationToken.None);
        return stored is null ? [] : stored.SelectMany(r => r.ScopeSpans).SelectMany(s => s.Spans)
            .Select(SpanIdOf).Order().ToArray();
    }

    private static int SpanIdOf(OtlpSpan span) => (int)Convert.ToUInt64(Convert.ToHexString(span.SpanId.ToByteArray()), 16);

    private static string Hex(int trace) => Convert.ToHexStringLower(Spans.TraceId(trace).ToByteArray());
}
