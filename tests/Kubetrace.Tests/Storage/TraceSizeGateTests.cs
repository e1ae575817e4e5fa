using Google.Protobuf;
using Kubetrace.Otlp.Proto.Collector;
using Kubetrace.Pipeline;
using Kubetrace.Storage;
using Microsoft.Extensions.Logging.Abstractions;

namespace Kubetrace.Tests.Storage;

/// <summary>
/// <c>max_bytes_per_trace</c> in front of a store's write (TraceSizeGate, one mechanism for both stores): a request
/// within the limit passes on every append, so admitting it allocates nothing (allocated bytes measured on the
/// calling thread, as SegmentedBatchAppendTests do); a refusal rewrites only the segments that hold a refused trace,
/// the others reach the store as they are; a store that writes one request at a time takes a batch in segments too.
/// </summary>
public sealed class TraceSizeGateTests
{
    private const long Limit = 4096;

    [Fact]
    public void Admitting_a_request_within_the_limit_allocates_nothing()
    {
        var limit = new TraceSizeLimit(1_000_000, maxTrackedTraces: 1024);
        var request = Request(Sized(1, 1, 100), Sized(2, 2, 100), Sized(1, 3, 100));
        for (var warm = 0; warm < 3; warm++) limit.Admit(request, 3); // traces known, the scratch table made, code compiled

        var before = GC.GetAllocatedBytesForCurrentThread();
        var admitted = limit.Admit(request, 3);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal((3, 0), (admitted.Spans, admitted.RefusedSpans));
        Assert.Equal(0, allocated);
    }

    [Fact]
    public async Task Writing_a_request_within_the_limit_through_the_gate_allocates_nothing()
    {
        var gate = Gate(1_000_000);
        var batch = TraceBatch.FromEncoded(Request(Sized(1, 1, 100), Sized(2, 2, 100)), 2);
        var stored = 0;
        Func<ReadOnlyMemory<byte>, int, CancellationToken, ValueTask> store = (_, spans, _) =>
        {
            stored += spans;
            return ValueTask.CompletedTask;
        };
        for (var warm = 0; warm < 3; warm++) await gate.WriteAsync(batch, store, CancellationToken.None);

        var before = GC.GetAllocatedBytesForCurrentThread();
        var write = gate.WriteAsync(batch, store, CancellationToken.None);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        await write;

        Assert.Equal(8, stored);
        Assert.Equal(0, allocated);
    }

    [Fact]
    public async Task A_refusal_rewrites_only_the_segments_holding_a_refused_trace_and_passes_the_others_as_they_are()
    {
        var gate = Gate(Limit);
        // Trace 1 has 3,000 bytes in the second and in the third segment: past the limit in the batch they make together.
        ReadOnlyMemory<byte>[] segments =
        [
            Request(Sized(2, 1, 100)),
            Request(Sized(1, 2, 3000), Sized(3, 3, 100)),
            Request(Sized(1, 4, 3000)),
            Request(Sized(4, 5, 100)),
        ];
        var batch = TraceBatch.FromEncodedSegments(segments, 5);
        var receipt = batch.Receipt = new ExportReceipt();
        var written = new List<(IReadOnlyList<ReadOnlyMemory<byte>> Segments, int Spans)>();

        await gate.WriteAsync(batch, (IReadOnlyList<ReadOnlyMemory<byte>> requests, int spans, CancellationToken _) =>
        {
            written.Add((requests.ToList(), spans));
            return ValueTask.CompletedTask;
        }, CancellationToken.None);

        var (stored, storedSpans) = Assert.Single(written);
        Assert.Equal(3, storedSpans);
        Assert.Equal([[1], [3], [5]], stored.Select(SpanIds));
        Assert.True(stored[0].Equals(segments[0]), "the first segment, without trace 1, was copied");
        Assert.True(stored[2].Equals(segments[3]), "the last segment, without trace 1, was copied");
        Assert.Equal(2, receipt.RefusedSpans);
        Assert.StartsWith("2 of 5 spans refused: TRACE_TOO_LARGE", receipt.Message);
    }

    [Fact]
    public async Task A_store_that_writes_one_request_at_a_time_takes_a_batch_in_segments_as_one_request()
    {
        var gate = Gate(Limit);
        var batch = TraceBatch.FromEncodedSegments([Request(Sized(1, 1, 100)), Request(Sized(2, 2, 100))], 2);
        var written = new List<(int[] SpanIds, int Spans)>();

        await gate.WriteAsync(batch, (ReadOnlyMemory<byte> request, int spans, CancellationToken _) =>
        {
            written.Add((SpanIds(request), spans));
            return ValueTask.CompletedTask;
        }, CancellationToken.None);

        var (ids, spans) = Assert.Single(written);
        Assert.Equal([1, 2], ids);
        Assert.Equal(2, spans);
    }

    [Fact]
    public async Task A_write_that_fails_at_once_or_later_gives_back_what_it_admitted_so_that_the_retry_is_stored()
    {
        var gate = Gate(Limit);
        var batch = TraceBatch.FromEncoded(Request(Sized(1, 1, 3000)), 1); // twice over the limit if counted twice
        Func<ReadOnlyMemory<byte>, int, CancellationToken, ValueTask> failsAtOnce = (_, _, _) => throw new IOException("disk full");
        Func<ReadOnlyMemory<byte>, int, CancellationToken, ValueTask> failsLater = async (_, _, _) =>
        {
            await Task.Yield();
            throw new IOException("disk full");
        };
        var stored = 0;

        await Assert.ThrowsAsync<IOException>(() => gate.WriteAsync(batch, failsAtOnce, CancellationToken.None).AsTask());
        await Assert.ThrowsAsync<IOException>(() => gate.WriteAsync(batch, failsLater, CancellationToken.None).AsTask());
        await gate.WriteAsync(batch, (ReadOnlyMemory<byte> _, int spans, CancellationToken _) =>
        {
            stored += spans;
            return ValueTask.CompletedTask;
        }, CancellationToken.None);

        Assert.Equal(1, stored);
    }

    private static TraceSizeGate Gate(long maxBytesPerTrace) => new(new TraceSizeLimit(maxBytesPerTrace, maxTrackedTraces: 1024), null,
        NullLogger.Instance, new Kubetrace.Telemetry.LogThrottle(TimeSpan.FromSeconds(30), TimeProvider.System));

    private static ReadOnlyMemory<byte> Request(params OtlpSpan[] spans) => Spans.Request(spans.AsEnumerable()).ToByteArray();

    private static OtlpSpan Sized(int trace, int id, int payloadBytes) =>
        Spans.Span(trace, id, 0, "op", attributes: ("payload", new string('x', payloadBytes)));

    private static int[] SpanIds(ReadOnlyMemory<byte> request) => ExportTraceServiceRequest.Parser.ParseFrom(request.Span)
        .ResourceSpans.SelectMany(r => r.ScopeSpans).SelectMany(s => s.Spans)
        .Select(span => (int)Convert.ToUInt64(Convert.ToHexString(span.SpanId.ToByteArray()), 16)).ToArray();
}
