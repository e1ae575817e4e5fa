using Google.Protobuf;
using Kubetrace.Processors.TailSampling;
using static Kubetrace.Tests.Processors.TailSampling.TailSamplingHarness;

namespace Kubetrace.Tests.Processors.TailSampling;

/// <summary>
/// What tail sampling holds, counted in bytes: the encoded spans waiting for their decision (exactly), the arena
/// slabs behind them, and the byte bound max_buffered_bytes, past which the oldest traces are decided early.
/// </summary>
public class BufferedBytesTests
{
    private static readonly PolicyConfig Always = new() { Name = "all", Type = "always_sample" };

    [Fact]
    public async Task The_buffered_bytes_are_the_encoded_sizes_of_the_spans_waiting_and_go_back_to_zero_after_the_decision()
    {
        var harness = new TailSamplingHarness(With(Always));
        var spans = Enumerable.Range(0, 30).Select(i => Span(i % 7, $"span-{i}", attributes: ("k8s.pod.name", new string('p', i * 10)))).ToArray();

        await harness.Send(spans[..10]);
        await harness.Send(spans[10..]);

        var expected = spans.Sum(s => (long)s.CalculateSize());
        Assert.Equal((expected, 30L), (harness.Processor.BufferedBytes, harness.Processor.BufferedSpans));
        var metrics = harness.Settings.Metrics.Render();
        Assert.Contains($"kubetrace_processor_tail_sampling_buffered_bytes{{processor=\"tail_sampling\"}} {expected}\n", metrics);
        Assert.Contains("kubetrace_processor_tail_sampling_buffered_spans{processor=\"tail_sampling\"} 30\n", metrics);

        await harness.DecideAsync();

        Assert.Equal(30, harness.Forwarded.Count);
        Assert.Equal((0L, 0L, 0L), (harness.Processor.BufferedBytes, harness.Processor.BufferedSpans, harness.Processor.ArenaBytesInUse));
    }

    [Fact]
    public async Task Memory_held_per_buffered_span_is_its_bytes_plus_at_most_a_span_per_full_slab_and_the_slab_being_filled()
    {
        // 2,000 spans of ~400 bytes in 200 traces, as 40 requests: the requests themselves are not what is held.
        var harness = new TailSamplingHarness(With(Always));
        var largest = 0;
        for (var request = 0; request < 40; request++)
        {
            var spans = Enumerable.Range(0, 50).Select(i => Span(request * 5 + i % 5, $"span-{i}", attributes: ("http.target", new string('t', 300)))).ToArray();
            largest = Math.Max(largest, spans.Max(s => s.CalculateSize()));
            await harness.Send(spans);
        }

        var (count, bytes, held) = (harness.Processor.BufferedSpans, harness.Processor.BufferedBytes, harness.Processor.ArenaBytesInUse);
        Assert.Equal(2000, count);
        var fullSlabs = held / SpanArena.DefaultSlabSize - 1;
        Assert.InRange(held - bytes, 0, fullSlabs * largest + SpanArena.DefaultSlabSize);
    }

    [Fact]
    public async Task At_max_buffered_bytes_the_oldest_trace_is_decided_early_and_nothing_is_lost()
    {
        var first = Span(1, "first");
        var config = With(Always);
        config.MaxBufferedBytes = 2 * first.CalculateSize() + 1; // room for two spans of this size, not three
        var harness = new TailSamplingHarness(config);

        await harness.Send(first);
        await harness.Send(Span(2, "second"));
        Assert.Empty(harness.Forwarded);
        await harness.Send(Span(3, "third")); // over the bound: trace 1, the oldest, is decided now

        Assert.Equal(["first"], harness.Forwarded.Select(s => s.Name));
        Assert.Equal("ot=th:0", harness.Forwarded[0].TraceState);
        Assert.InRange(harness.Processor.BufferedBytes, 1, config.MaxBufferedBytes);
        var metrics = harness.Settings.Metrics.Render();
        Assert.Contains("kubetrace_processor_tail_sampling_traces_decided_early_total{processor=\"tail_sampling\"} 1\n", metrics);
        Assert.Contains("otelcol_processor_tail_sampling_sampling_trace_dropped_too_early_total{processor=\"tail_sampling\"} 0\n", metrics);

        await harness.Send(Span(1, "late")); // follows the early decision
        await harness.DecideAsync();

        Assert.Equal(["first", "late", "second", "third"], harness.Forwarded.Select(s => s.Name));
        Assert.Equal(0, harness.Processor.BufferedBytes);
    }

    [Fact]
    public async Task A_trace_evicted_by_num_traces_gives_its_bytes_back_at_once()
    {
        var config = With(Always);
        config.NumTraces = 1;
        var harness = new TailSamplingHarness(config);
        await harness.Send(Span(1, "evicted"), Span(1, "evicted-too"));

        await harness.Send(Span(2, "kept"));

        Assert.Equal((long)Span(2, "kept").CalculateSize(), harness.Processor.BufferedBytes);
        await harness.DecideAsync();
        Assert.Equal(["kept"], harness.Forwarded.Select(s => s.Name));
        Assert.Equal(0, harness.Processor.ArenaBytesInUse);
    }
}
