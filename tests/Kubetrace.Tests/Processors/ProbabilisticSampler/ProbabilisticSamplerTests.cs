using Google.Protobuf;
using Kubetrace.Otlp.Proto.Trace;
using Kubetrace.Pipeline;
using Kubetrace.Processors.ProbabilisticSampler;
using Kubetrace.Processors.Sampling;
using Kubetrace.Tests.TestSupport;

namespace Kubetrace.Tests.Processors.ProbabilisticSampler;

public class ProbabilisticSamplerTests
{
    /// <param name="encoded">Batches as a receiver hands them on (bytes, the fast path) or as objects.</param>
    private static async Task<List<Span>> Run(ProbabilisticSamplerConfig config, IEnumerable<Span> spans, TestSettings? settings = null, bool encoded = true)
    {
        var next = new RecordingConsumer();
        var processor = new ProbabilisticSamplerProcessor((settings ?? new TestSettings("probabilistic_sampler")).Settings, config, next);
        foreach (var chunk in spans.Chunk(10_000))
        {
            var request = Spans.Request(chunk);
            await processor.ConsumeAsync(encoded ? SampleRequests.Encoded(request) : TraceBatch.FromRequest(request), default);
        }
        return Spans.All(next.Received).ToList();
    }

    [Theory]
    [InlineData(null)]
    [InlineData(SamplerMode.HashSeed)]
    [InlineData(SamplerMode.Equalizing)]
    public async Task Encoded_batches_are_decided_exactly_as_decoded_ones(SamplerMode? mode)
    {
        var spans = RandomSpans(20_000, seed: 31);
        var config = new ProbabilisticSamplerConfig { SamplingPercentage = 10, Mode = mode, HashSeed = mode == SamplerMode.HashSeed ? 5u : 0 };
        var fromBytes = await Run(config, spans, encoded: true);
        var fromObjects = await Run(config, spans, encoded: false);
        Assert.Equal(fromObjects.Select(s => (s.TraceId, s.TraceState)), fromBytes.Select(s => (s.TraceId, s.TraceState)));
        Assert.Equal(fromObjects, fromBytes); // every other field intact
    }

    [Fact]
    public async Task Encoded_batches_stay_encoded_and_fall_back_to_objects_only_for_tracestate_or_priority()
    {
        var next = new RecordingConsumer();
        var processor = new ProbabilisticSamplerProcessor(TestSettings.For("probabilistic_sampler"), new ProbabilisticSamplerConfig { SamplingPercentage = 100 }, next);
        var random = new Random(9);
        await processor.ConsumeAsync(SampleRequests.Encoded(Spans.Request(RandomSpans(10, seed: 10))), default);
        await processor.ConsumeAsync(SampleRequests.Encoded(Spans.Request([Spans.Span(Spans.RandomTraceId(random), traceState: "vendor=x")])), default);

        Assert.Equal([true, false], next.Received.Select(b => b.HasEncoded));
        Assert.All(Spans.All([next.Received[0]]), s => Assert.Equal("ot=th:0", s.TraceState));
        Assert.Equal("ot=th:0,vendor=x", Spans.All([next.Received[1]]).Single().TraceState);
    }

    private static List<Span> RandomSpans(int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => Spans.Span(Spans.RandomTraceId(random))).ToList();
    }

    [Theory]
    [InlineData(null, 15.3, 1_000_000)]
    [InlineData(SamplerMode.HashSeed, 15.3, 1_000_000)]
    [InlineData(SamplerMode.Equalizing, 15.3, 200_000)]
    [InlineData(SamplerMode.Proportional, 0.5, 200_000)]
    public async Task Keeps_the_configured_fraction_of_random_trace_ids_within_five_standard_deviations(SamplerMode? mode, float percentage, int n)
    {
        var kept = await Run(new ProbabilisticSamplerConfig { SamplingPercentage = percentage, Mode = mode, HashSeed = mode == SamplerMode.HashSeed ? 22u : 0 },
            RandomSpans(n, seed: 42));

        var p = percentage / 100.0;
        var bound = 5 * Math.Sqrt(p * (1 - p) / n);
        Assert.InRange(kept.Count / (double)n, p - bound, p + bound);
    }

    [Fact]
    public async Task Proportional_at_25_percent_writes_th_c_and_multiplies_an_arriving_probability()
    {
        var random = new Random(1);
        var fresh = RandomSpans(2000, seed: 2);
        var kept = await Run(new ProbabilisticSamplerConfig { SamplingPercentage = 25 }, fresh);
        Assert.All(kept, s => Assert.Equal("ot=th:c", s.TraceState));

        // Arriving at 50% with explicit randomness: 50% × 50% = 25%; the README's rv 9b82… (< c) is then dropped.
        var arriving = Spans.Span(Spans.RandomTraceId(random), traceState: "ot=th:8;rv:e0b8233f7e3a15,vendor=x");
        var output = Assert.Single(await Run(new ProbabilisticSamplerConfig { SamplingPercentage = 50 }, [arriving]));
        Assert.Equal("ot=th:c;rv:e0b8233f7e3a15,vendor=x", output.TraceState);
        var readme = Spans.Span(Spans.RandomTraceId(random), traceState: "ot=th:8;rv:9b8233f7e3a151");
        Assert.Empty(await Run(new ProbabilisticSamplerConfig { SamplingPercentage = 50 }, [readme]));
    }

    [Fact]
    public async Task Equalizing_never_raises_a_probability_a_span_already_had_below_the_configured_one()
    {
        var span = Spans.Span(Spans.RandomTraceId(new Random(3)), traceState: "ot=th:c;rv:ffffffffffffff");
        var output = Assert.Single(await Run(new ProbabilisticSamplerConfig { SamplingPercentage = 50, Mode = SamplerMode.Equalizing }, [span]));
        Assert.Equal("ot=th:c;rv:ffffffffffffff", output.TraceState);
    }

    [Fact]
    public async Task An_arriving_th_that_the_randomness_contradicts_is_dropped_when_failing_closed_and_cleared_when_open()
    {
        // rv 0 is below any threshold but 0: "th:8" (50%) claims a decision this span could not have had.
        var lie = Spans.Span(Spans.RandomTraceId(new Random(4)), traceState: "ot=th:8;rv:00000000000000");
        Assert.Empty(await Run(new ProbabilisticSamplerConfig { SamplingPercentage = 100 }, [lie]));
        var open = Assert.Single(await Run(new ProbabilisticSamplerConfig { SamplingPercentage = 100, FailClosed = false }, [lie]));
        Assert.Equal("ot=th:0;rv:00000000000000", open.TraceState);
    }

    [Fact]
    public async Task An_all_zero_trace_id_has_no_randomness_and_is_dropped_unless_fail_closed_is_false()
    {
        var empty = Spans.Span(ByteString.CopyFrom(new byte[16]));
        Assert.Empty(await Run(new ProbabilisticSamplerConfig { SamplingPercentage = 100 }, [empty]));
        Assert.Single(await Run(new ProbabilisticSamplerConfig { SamplingPercentage = 100, FailClosed = false }, [empty]));
    }

    [Fact]
    public async Task Sampling_priority_zero_drops_and_positive_keeps_whatever_the_rate()
    {
        var random = new Random(5);
        var drop = Spans.Span(Spans.RandomTraceId(random), attributes: [("sampling.priority", 0)]);
        var keep = Spans.Span(Spans.RandomTraceId(random), "keep", attributes: [("sampling.priority", "2")]);
        var settings = new TestSettings("probabilistic_sampler");

        Assert.Empty(await Run(new ProbabilisticSamplerConfig { SamplingPercentage = 100 }, [drop]));
        var kept = Assert.Single(await Run(new ProbabilisticSamplerConfig { SamplingPercentage = 0 }, [keep], settings));
        Assert.Equal("ot=th:0", kept.TraceState);
        Assert.Contains("otelcol_processor_probabilistic_sampler_count_traces_sampled_total{processor=\"probabilistic_sampler\",policy=\"sampling_priority\",sampled=\"true\"} 1\n",
            settings.Metrics.Render());
    }

    [Fact]
    public async Task Hash_seed_mode_writes_its_randomness_and_refuses_spans_that_already_carry_consistent_sampling_state()
    {
        var random = new Random(6);
        var kept = await Run(new ProbabilisticSamplerConfig { SamplingPercentage = 50, HashSeed = 7 }, RandomSpans(200, 7));
        Assert.All(kept, s => Assert.Matches("^ot=th:8;rv:[0-9a-f]{14}$", s.TraceState));
        // The written rv decides like the hash did: a consistent sampler downstream keeps them all at 50%.
        Assert.All(kept, s => Assert.True(ulong.Parse(s.TraceState[^14..], System.Globalization.NumberStyles.HexNumber) >= 1UL << 55));

        var withTh = Spans.Span(Spans.RandomTraceId(random), traceState: "ot=th:0");
        Assert.Empty(await Run(new ProbabilisticSamplerConfig { SamplingPercentage = 100, HashSeed = 7 }, [withTh]));
    }

    [Fact]
    public async Task Two_instances_decide_every_trace_the_same_way_and_every_span_of_a_trace_alike()
    {
        var spans = RandomSpans(20_000, seed: 8);
        var config = new ProbabilisticSamplerConfig { SamplingPercentage = 10 };
        var first = (await Run(config, spans)).Select(s => s.TraceId).ToList();
        var second = (await Run(config, spans.AsEnumerable().Reverse())).Select(s => s.TraceId).Reverse().ToList();
        Assert.Equal(first, second);
    }

    [Fact]
    public void Thresholds_round_to_the_configured_precision_as_the_specification_does()
    {
        Assert.Equal("c", Threshold(0.25, 4));
        Assert.Equal("e666", Threshold(0.1, 4));
        Assert.Equal("e66", Threshold(0.1, 3));
        Assert.Equal("fd70a", Threshold(0.01, 4)); // one more digit for the leading f
        Assert.Equal("0", Threshold(1, 4));
        Assert.False(SamplingThreshold.TryFromProbability(1e-18, 4, out _));

        static string Threshold(double p, int precision)
        {
            Assert.True(SamplingThreshold.TryFromProbability(p, precision, out var threshold));
            return threshold.TValue();
        }
    }
}
