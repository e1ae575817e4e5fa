using Kubetrace.Components;
using Kubetrace.Otlp.Proto.Trace;
using Kubetrace.Pipeline;
using Kubetrace.Processors.Sampling;
using Kubetrace.Telemetry;
using Microsoft.Extensions.Logging;

namespace Kubetrace.Processors.ProbabilisticSampler;

/// <summary>
/// The <c>probabilistic_sampler</c> processor: keeps or drops each span from its trace's randomness alone, so that
/// every span of a trace gets the same decision in any batch or replica, and writes the probability it applied
/// into the span's tracestate (<c>ot=th:…</c>) so that counts can be scaled back.
/// </summary>
/// <remarks>
/// The steps are the Collector's (processor/probabilisticsamplerprocessor, commonShouldSampleLogic): randomness
/// and tracestate (an error, or an arriving th the randomness contradicts, applies fail_closed), the mode's
/// threshold, then <c>sampling.priority</c> forcing always or never; a kept span's th is raised to the applied
/// threshold, never lowered. Counted in <c>otelcol_processor_probabilistic_sampler_count_traces_sampled</c>
/// by policy (where the randomness came from) and outcome.
/// </remarks>
public sealed class ProbabilisticSamplerProcessor : PerBatchProcessor
{
    private readonly SpanSampler _sampler;
    private readonly bool _failClosed;
    private readonly ILogger _logger;
    private readonly Counter[,] _sampled;
    private readonly SpanRewrite _rewrite;
    private readonly EncodedSpanSampler.Decide _decideEncoded;
    private long _errorsLogged;

    public ProbabilisticSamplerProcessor(ComponentSettings settings, ProbabilisticSamplerConfig config, ITraceConsumer next)
        : base(settings, next)
    {
        _sampler = SpanSampler.For(config);
        _failClosed = config.FailClosed;
        _logger = settings.CreateLogger();
        var sources = Enum.GetValues<RandomnessSource>();
        _sampled = new Counter[sources.Length, 2];
        foreach (var source in sources)
            for (var outcome = 0; outcome < 2; outcome++)
                _sampled[(int)source, outcome] = settings.Metrics.Counter(
                    "otelcol_processor_probabilistic_sampler_count_traces_sampled", "Count of traces that were sampled or not",
                    ("processor", settings.Id.ToString()), ("policy", PolicyName(source)), ("sampled", outcome == 1 ? "true" : "false"));
        _rewrite = Decide;
        _decideEncoded = DecideEncoded;
    }

    protected override TraceBatch? Process(TraceBatch batch)
    {
        // The common case (no tracestate, no sampling.priority) is decided on the encoded bytes, without objects.
        if (batch.HasEncoded && EncodedSpanSampler.TrySample(batch.Encoded.Span, _decideEncoded, out var kept) is { } encoded)
            return kept == 0 ? null : batch.WithEncoded(encoded, kept);
        var output = SpanRewriter.Rewrite(batch.Request, _rewrite);
        return ReferenceEquals(output, batch.Request) ? batch : batch.WithRequest(output);
    }

    private string? DecideEncoded(ReadOnlySpan<byte> traceId)
    {
        var state = OtelTraceState.Empty();
        return Decide(traceId, state, parsed: true, SamplingPriority.Defer) ? state.Serialize() : null;
    }

    private Span? Decide(Otlp.Proto.Trace.ResourceSpans resource, ScopeSpans scope, Span span)
    {
        var parsed = OtelTraceState.TryParse(span.TraceState, out var state, out var parseError);
        if (!Decide(span.TraceId.Span, state, parsed, SamplingPriorityAttribute.Of(span), parseError)) return null;
        if (!parsed) return span;
        var traceState = state.Serialize();
        if (traceState == span.TraceState) return span;
        var copy = SpanRewriter.ShallowCopy(span);
        copy.TraceState = traceState;
        return copy;
    }

    /// <summary>
    /// One span's decision, the Collector's steps in its order; a kept span's threshold is recorded in
    /// <paramref name="state"/> (raised, never lowered). Counted by policy and outcome.
    /// </summary>
    private bool Decide(ReadOnlySpan<byte> traceId, OtelTraceState state, bool parsed, SamplingPriority priority, string? parseError = null)
    {
        string? error;
        SpanRandomness randomness;
        if (parsed)
        {
            error = _sampler.Randomness(traceId, state, out randomness);
            error ??= ConsistencyError(randomness, state);
        }
        else
        {
            // An unparsable tracestate is left as it is; the randomness is still needed for a forced decision.
            _sampler.Randomness(traceId, OtelTraceState.Empty(), out randomness);
            error = parseError;
        }

        SamplingThreshold threshold;
        if (error is not null)
        {
            LogSometimes(error);
            threshold = _failClosed ? SamplingThreshold.Never : SamplingThreshold.Always;
        }
        else
        {
            threshold = _sampler.Decide(state);
        }
        if (priority != SamplingPriority.Defer)
        {
            threshold = priority == SamplingPriority.MustSample ? SamplingThreshold.Always : SamplingThreshold.Never;
            randomness = randomness with { Source = RandomnessSource.SamplingPriority };
        }

        var sampled = _sampler.ShouldSample(threshold, randomness, traceId);
        _sampled[(int)randomness.Source, sampled ? 1 : 0].Add(1);
        if (sampled && parsed) state.UpdateThreshold(threshold);
        return sampled;
    }

    /// <summary>A span without randomness cannot be decided; an arriving th that its randomness contradicts is a lie
    /// (cleared, as the specification recommends, in case the sampler fails open).</summary>
    private static string? ConsistencyError(SpanRandomness randomness, OtelTraceState state)
    {
        if (randomness.IsMissing) return "missing randomness";
        if (state.Threshold is { } arriving && !arriving.ShouldSample(randomness.Value))
        {
            state.ClearThreshold();
            return "inconsistent arriving t-value: span should not have been sampled";
        }
        return null;
    }

    private void LogSometimes(string error)
    {
        // No logging per span on the hot path: the first few, then every 10,000th.
        var count = Interlocked.Increment(ref _errorsLogged);
        if (count <= 5 || count % 10_000 == 0)
            _logger.LogDebug("tracestate: {Error} ({Count} so far)", error, count);
    }

    private static string PolicyName(RandomnessSource source) => source switch
    {
        RandomnessSource.TraceIdHash => "trace_id_hash",
        RandomnessSource.TraceIdW3C => "trace_id_w3c",
        RandomnessSource.ExplicitRv => "sampling_randomness",
        RandomnessSource.TraceIdRatio => "trace_id_ratio",
        RandomnessSource.SamplingPriority => "sampling_priority",
        _ => "missing_randomness",
    };
}
