using System.Buffers.Binary;
using Kubetrace.Otlp.Proto.Trace;
using Kubetrace.Processors.Sampling;
using Kubetrace.Processors.TailSampling;
using static Kubetrace.Tests.Processors.TailSampling.TailSamplingHarness;

namespace Kubetrace.Tests.Processors.TailSampling;

public class TailSamplingProcessorTests
{
    private static readonly PolicyConfig Errors = new() { Name = "errors", Type = "status_code", StatusCode = new() { StatusCodes = ["ERROR"] } };

    [Fact]
    public async Task Holds_a_trace_for_decision_wait_then_forwards_every_span_it_gathered()
    {
        var harness = new TailSamplingHarness(With(Errors));
        await harness.Send(Span(1, "root"));
        await harness.DecideAsync(TimeSpan.FromSeconds(5));
        Assert.Empty(harness.Forwarded);

        await harness.Send(Span(1, "child", status: Status.Types.StatusCode.Error));
        await harness.DecideAsync(TimeSpan.FromSeconds(6));

        Assert.Equal(["root", "child"], harness.Forwarded.Select(s => s.Name));
        Assert.All(harness.Forwarded, s => Assert.Equal("ot=th:0", s.TraceState)); // kept deterministically: probability 1
    }

    [Fact]
    public async Task Late_spans_follow_the_decision_kept_in_memory()
    {
        var harness = new TailSamplingHarness(With(Errors));
        await harness.Send(Span(1, status: Status.Types.StatusCode.Error));
        await harness.Send(Span(2));
        await harness.DecideAsync();

        await harness.Send(Span(1, "late-kept"), Span(2, "late-dropped"));

        Assert.Equal(["span", "late-kept"], harness.Forwarded.Select(s => s.Name));
        Assert.Contains("kubetrace_processor_tail_sampling_late_spans_total{processor=\"tail_sampling\",sampled=\"false\"} 1\n", harness.Settings.Metrics.Render());
    }

    [Fact]
    public async Task Num_traces_bounds_memory_evicting_the_oldest_and_counting_traces_dropped_before_their_decision()
    {
        var config = With(new PolicyConfig { Name = "all", Type = "always_sample" });
        config.NumTraces = 2;
        var harness = new TailSamplingHarness(config);
        await harness.Send(Span(1));
        await harness.Send(Span(2));
        await harness.Send(Span(3)); // evicts trace 1, still pending

        await harness.DecideAsync();

        Assert.Equal([2, 3], harness.ForwardedTraces);
        var metrics = harness.Settings.Metrics.Render();
        Assert.Contains("otelcol_processor_tail_sampling_sampling_trace_dropped_too_early_total{processor=\"tail_sampling\"} 1\n", metrics);
        Assert.Contains("otelcol_processor_tail_sampling_sampling_traces_on_memory{processor=\"tail_sampling\"} 2\n", metrics);
    }

    [Fact]
    public async Task The_decision_cache_remembers_decisions_after_the_trace_left_memory()
    {
        var config = With(Errors);
        config.NumTraces = 1;
        config.DecisionCache = new() { SampledCacheSize = 10, NonSampledCacheSize = 10 };
        var harness = new TailSamplingHarness(config);
        await harness.Send(Span(1, status: Status.Types.StatusCode.Error));
        await harness.DecideAsync();
        await harness.Send(Span(2)); // evicts the decided trace 1 from memory
        await harness.DecideAsync();

        await harness.Send(Span(1, "late"));
        await harness.Send(Span(2, "late"));

        Assert.Equal([("span", 1), ("late", 1)], harness.Forwarded.Select(s => (s.Name, BitConverter.ToInt32(s.TraceId.Span[..4]))));
    }

    [Fact]
    public async Task Shutdown_decides_and_flushes_the_traces_still_pending()
    {
        var harness = new TailSamplingHarness(With(new PolicyConfig { Name = "all", Type = "always_sample" }));
        await harness.Processor.StartAsync(default);
        await harness.Send(Span(1));

        await harness.Processor.ShutdownAsync(default);

        Assert.Equal([1], harness.ForwardedTraces);
    }

    [Fact]
    public async Task The_same_resource_and_scope_group_the_forwarded_spans()
    {
        var harness = new TailSamplingHarness(With(new PolicyConfig { Name = "all", Type = "always_sample" }));
        await harness.SendFrom("apiserver", Span(1, "a"), Span(2, "b"));
        await harness.SendFrom("kubelet", Span(1, "c"));
        await harness.DecideAsync();

        var request = Assert.Single(harness.Next.Received).Request;
        Assert.Equal(["apiserver", "kubelet"], request.ResourceSpans.Select(r => r.Resource.Attributes[0].Value.StringValue));
        Assert.Equal(["a", "b"], request.ResourceSpans[0].ScopeSpans.Single().Spans.Select(s => s.Name));
    }

    [Fact]
    public async Task Kept_spans_go_out_in_requests_of_about_a_megabyte_not_one_request_per_decision_tick()
    {
        // 3 MB of kept spans decided in one tick: 600 traces of one span with a 5,000-character attribute.
        var harness = new TailSamplingHarness(With(new PolicyConfig { Name = "all", Type = "always_sample" }));
        for (var trace = 0; trace < 600; trace += 50)
            await harness.Send(Enumerable.Range(trace, 50).Select(t => Span(t, $"span-{t}", attributes: ("http.target", new string('t', 5000)))).ToArray());

        await harness.DecideAsync();

        Assert.Equal(Enumerable.Range(0, 600).Select(t => $"span-{t}"), harness.Forwarded.Select(s => s.Name));
        Assert.InRange(harness.Next.Received.Count, 3, 4);
        Assert.All(harness.Next.Received, batch => Assert.InRange(batch.EncodedSize, 1, TailSamplingProcessor.ForwardedRequestBytes + 16 * 1024));
    }
}
