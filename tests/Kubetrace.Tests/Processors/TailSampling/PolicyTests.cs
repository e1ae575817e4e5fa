using Kubetrace.Otlp.Proto.Trace;
using Kubetrace.Processors.TailSampling;
using static Kubetrace.Tests.Processors.TailSampling.TailSamplingHarness;

namespace Kubetrace.Tests.Processors.TailSampling;

/// <summary>Each policy on a trace built to hit it (trace 1) and one built to miss it (trace 2).</summary>
public class PolicyTests
{
    private static readonly Status.Types.StatusCode Ok = Status.Types.StatusCode.Ok;
    private static readonly Status.Types.StatusCode Error = Status.Types.StatusCode.Error;

    private static async Task<HashSet<int>> Kept(PolicyConfig policy, Span[] hit, Span[] miss)
    {
        var harness = new TailSamplingHarness(With(policy));
        await harness.Send(hit);
        await harness.Send(miss);
        await harness.DecideAsync();
        return harness.ForwardedTraces;
    }

    private static async Task AssertKeepsOnlyTheHit(PolicyConfig policy, Span[] hit, Span[] miss) =>
        Assert.Equal([1], await Kept(policy, hit, miss));

    [Fact]
    public async Task Always_sample_keeps_every_trace() =>
        Assert.Equal([1, 2], await Kept(new() { Name = "p", Type = "always_sample" }, [Span(1)], [Span(2)]));

    [Fact]
    public Task Latency_measures_the_whole_trace_and_honours_the_upper_threshold() =>
        AssertKeepsOnlyTheHit(new() { Name = "p", Type = "latency", Latency = new() { ThresholdMs = 5000, UpperThresholdMs = 10000 } },
            [Span(1, durationMs: 6000), Span(1, durationMs: 1)], [Span(2, durationMs: 20_000)]);

    [Fact]
    public Task Status_code() =>
        AssertKeepsOnlyTheHit(new() { Name = "p", Type = "status_code", StatusCode = new() { StatusCodes = ["ERROR"] } },
            [Span(1, status: Ok), Span(1, status: Error)], [Span(2, status: Ok)]);

    [Fact]
    public Task String_attribute_exact_and_regex() =>
        AssertKeepsOnlyTheHit(new() { Name = "p", Type = "string_attribute", StringAttribute = new() { Key = "http.route", Values = ["/v1/name/.+"], EnabledRegexMatching = true } },
            [Span(1, attributes: [("http.route", "/v1/name/x")])], [Span(2, attributes: [("http.route", "/v1/other")])]);

    [Fact]
    public async Task String_attribute_inverted_keeps_traces_without_the_value_and_vetoes_those_with_it()
    {
        var invert = new PolicyConfig { Name = "not-health", Type = "string_attribute", StringAttribute = new() { Key = "url.path", Values = ["/healthz"], InvertMatch = true } };
        var always = new PolicyConfig { Name = "all", Type = "always_sample" };
        var harness = new TailSamplingHarness(With(invert, always));
        await harness.Send(Span(1, attributes: [("url.path", "/api")]));
        await harness.Send(Span(2, attributes: [("url.path", "/healthz")]));
        await harness.DecideAsync();
        Assert.Equal([1], harness.ForwardedTraces); // the inverted "no" wins over always_sample
    }

    [Fact]
    public Task Numeric_attribute_with_one_open_bound() =>
        AssertKeepsOnlyTheHit(new() { Name = "p", Type = "numeric_attribute", NumericAttribute = new() { Key = "http.status_code", MinValue = 500 } },
            [Span(1, attributes: [("http.status_code", 503)])], [Span(2, attributes: [("http.status_code", 200)])]);

    [Fact]
    public Task Boolean_attribute() =>
        AssertKeepsOnlyTheHit(new() { Name = "p", Type = "boolean_attribute", BooleanAttribute = new() { Key = "app.force_sample", Value = true } },
            [Span(1, attributes: [("app.force_sample", true)])], [Span(2, attributes: [("app.force_sample", false)])]);

    [Fact]
    public Task Span_count() =>
        AssertKeepsOnlyTheHit(new() { Name = "p", Type = "span_count", SpanCount = new() { MinSpans = 2, MaxSpans = 3 } },
            [Span(1), Span(1)], [Span(2)]);

    [Fact]
    public Task Trace_state() =>
        AssertKeepsOnlyTheHit(new() { Name = "p", Type = "trace_state", TraceState = new() { Key = "key3", Values = ["value1"] } },
            [SpanWithState(1, "vendor=x,key3=value1")], [SpanWithState(2, "key3=value9")]);

    [Fact]
    public Task And_needs_every_sub_policy() =>
        AssertKeepsOnlyTheHit(new()
        {
            Name = "p", Type = "and", And = new()
            {
                AndSubPolicy =
                [
                    new() { Name = "a", Type = "status_code", StatusCode = new() { StatusCodes = ["ERROR"] } },
                    new() { Name = "b", Type = "string_attribute", StringAttribute = new() { Key = "team", Values = ["a"] } },
                ],
            },
        }, [Span(1, status: Error, attributes: [("team", "a")])], [Span(2, status: Error, attributes: [("team", "b")])]);

    [Fact]
    public Task Not_inverts_its_sub_policy() =>
        AssertKeepsOnlyTheHit(new()
        {
            Name = "p", Type = "not", Not = new() { NotSubPolicy = new() { Name = "a", Type = "status_code", StatusCode = new() { StatusCodes = ["OK"] } } },
        }, [Span(1, status: Error)], [Span(2, status: Ok)]);

    [Fact]
    public async Task Drop_wins_over_every_keep()
    {
        var drop = new PolicyConfig
        {
            Name = "drop-health", Type = "drop",
            Drop = new() { DropSubPolicy = [new() { Name = "h", Type = "string_attribute", StringAttribute = new() { Key = "url.path", Values = ["/healthz"] } }] },
        };
        var harness = new TailSamplingHarness(With(drop, new PolicyConfig { Name = "all", Type = "always_sample" }));
        await harness.Send(Span(1, attributes: [("url.path", "/healthz")]));
        await harness.Send(Span(2, attributes: [("url.path", "/api")]));
        await harness.DecideAsync();
        Assert.Equal([2], harness.ForwardedTraces);
    }

    [Fact]
    public Task Ottl_condition_on_spans_and_span_events() =>
        AssertKeepsOnlyTheHit(new() { Name = "p", Type = "ottl_condition", OttlCondition = new() { Spanevent = ["name == \"exception\""] } },
            [SpanWithEvent(1, "exception")], [SpanWithEvent(2, "log")]);

    private static Span SpanWithEvent(int trace, string name)
    {
        var span = Span(trace);
        span.Events.Add(new Span.Types.Event { Name = name });
        return span;
    }

    [Fact]
    public async Task Rate_limiting_keeps_traces_until_the_spans_of_the_second_are_spent()
    {
        var harness = new TailSamplingHarness(With(new PolicyConfig { Name = "p", Type = "rate_limiting", RateLimiting = new() { SpansPerSecond = 3 } }));
        await harness.Send(Span(1), Span(1));
        await harness.Send(Span(2), Span(2));
        await harness.Send(Span(3));
        await harness.DecideAsync();
        Assert.Equal([1, 3], harness.ForwardedTraces);
    }

    [Fact]
    public async Task Bytes_limiting_keeps_traces_within_the_burst()
    {
        var size = Span(1).CalculateSize();
        var harness = new TailSamplingHarness(With(new PolicyConfig { Name = "p", Type = "bytes_limiting", BytesLimiting = new() { BytesPerSecond = 1, BurstCapacity = size * 2 } }));
        await harness.Send(Span(1));
        await harness.Send(Span(2), Span(2));
        await harness.Send(Span(3));
        await harness.DecideAsync();
        Assert.Equal([1, 3], harness.ForwardedTraces);
    }

    [Fact]
    public async Task Composite_gives_each_sub_policy_its_share_of_the_spans_per_second()
    {
        var composite = new PolicyConfig
        {
            Name = "c", Type = "composite", Composite = new()
            {
                MaxTotalSpansPerSecond = 4,
                PolicyOrder = ["errors", "rest"],
                CompositeSubPolicy =
                [
                    new() { Name = "errors", Type = "status_code", StatusCode = new() { StatusCodes = ["ERROR"] } },
                    new() { Name = "rest", Type = "always_sample" },
                ],
                RateAllocation = [new() { Policy = "errors", Percent = 50 }],
            },
        };
        var harness = new TailSamplingHarness(With(composite));
        await harness.Send(Span(1, status: Error), Span(1, status: Error)); // errors: 2 of 2
        await harness.Send(Span(2, status: Error)); // errors' share spent
        await harness.Send(Span(3), Span(3)); // rest: 2 of 2
        await harness.Send(Span(4)); // rest's share spent
        await harness.DecideAsync();
        Assert.Equal([1, 3], harness.ForwardedTraces);
    }

    [Fact]
    public async Task Probabilistic_keeps_about_its_percentage_and_records_th_on_kept_spans()
    {
        var harness = new TailSamplingHarness(With(new PolicyConfig { Name = "p", Type = "probabilistic", Probabilistic = new() { SamplingPercentage = 25 } }));
        for (var trace = 0; trace < 4000; trace++) await harness.Send(Span(trace));
        await harness.DecideAsync();
        Assert.InRange(harness.ForwardedTraces.Count, 1000 - 150, 1000 + 150);
        Assert.All(harness.Forwarded, s => Assert.Matches("^ot=th:c;rv:[0-9a-f]{14}$", s.TraceState));
    }

    [Fact]
    public async Task An_inverted_keep_does_not_keep_a_trace_another_policy_did_not_sample()
    {
        // The Collector's precedence (processor.go makeDecision): dropped, then an inverted "no", then a plain "yes";
        // an inverted "yes" keeps only when no policy answered a plain "no".
        var notHealth = new PolicyConfig { Name = "not-health", Type = "string_attribute", StringAttribute = new() { Key = "url.path", Values = ["/healthz"], InvertMatch = true } };
        var errors = new PolicyConfig { Name = "errors", Type = "status_code", StatusCode = new() { StatusCodes = ["ERROR"] } };
        var harness = new TailSamplingHarness(With(notHealth, errors));
        await harness.Send(Span(1, status: Error, attributes: [("url.path", "/api")])); // inverted yes + yes
        await harness.Send(Span(2, status: Ok, attributes: [("url.path", "/api")])); // inverted yes + no
        await harness.Send(Span(3, status: Error, attributes: [("url.path", "/healthz")])); // inverted no + yes
        await harness.DecideAsync();
        Assert.Equal([1], harness.ForwardedTraces);
    }

    [Fact]
    public async Task Drop_policies_decide_first_so_a_dropped_trace_spends_no_rate_limit()
    {
        // The Collector evaluates drop policies before the others and stops at a drop.
        var limit = new PolicyConfig { Name = "limit", Type = "rate_limiting", RateLimiting = new() { SpansPerSecond = 1 } };
        var drop = new PolicyConfig
        {
            Name = "drop-health", Type = "drop",
            Drop = new() { DropSubPolicy = [new() { Name = "h", Type = "string_attribute", StringAttribute = new() { Key = "url.path", Values = ["/healthz"] } }] },
        };
        var harness = new TailSamplingHarness(With(limit, drop));
        await harness.Send(Span(1, attributes: [("url.path", "/healthz")]));
        await harness.Send(Span(2, attributes: [("url.path", "/api")]));
        await harness.DecideAsync();
        Assert.Equal([2], harness.ForwardedTraces);
    }

    [Fact]
    public void A_policy_without_a_name_is_refused_as_the_collector_refuses_it()
    {
        var problem = Assert.Single(With(new PolicyConfig { Type = "always_sample" }).Validate());
        Assert.Equal(("policies::0::name", "policy name cannot be empty"), (problem.Key, problem.Message));
    }

    private static Span SpanWithState(int trace, string state)
    {
        var span = Span(trace);
        span.TraceState = state;
        return span;
    }
}
