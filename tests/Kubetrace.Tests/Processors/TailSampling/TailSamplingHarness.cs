using Google.Protobuf;
using Kubetrace.Otlp.Proto.Trace;
using Kubetrace.Processors.TailSampling;
using Kubetrace.Tests.TestSupport;

namespace Kubetrace.Tests.Processors.TailSampling;

/// <summary>A tail sampler on a manual clock, fed spans of numbered traces, with what it forwarded.</summary>
internal sealed class TailSamplingHarness
{
    public TailSamplingHarness(TailSamplingConfig config)
    {
        Settings = new TestSettings("tail_sampling");
        Processor = new TailSamplingProcessor(Settings.Settings, config, Next, Time);
    }

    public TestSettings Settings { get; }

    /// <summary>Decision waits and rate limits run on this clock (its timestamps start at 0 and move when told).</summary>
    public ManualClock Time { get; } = new();

    public RecordingConsumer Next { get; } = new();

    public TailSamplingProcessor Processor { get; }

    public static TailSamplingConfig With(params PolicyConfig[] policies) =>
        new() { DecisionWait = TimeSpan.FromSeconds(10), Policies = [.. policies] };

    public static ByteString TraceId(int trace)
    {
        var bytes = new byte[16];
        BitConverter.TryWriteBytes(bytes.AsSpan(0, 4), trace);
        new Random(trace).NextBytes(bytes.AsSpan(8));
        return ByteString.CopyFrom(bytes);
    }

    public static Span Span(int trace, string name = "span", long durationMs = 10, Status.Types.StatusCode status = Status.Types.StatusCode.Unset,
        params (string Key, object Value)[] attributes)
    {
        var span = Spans.Span(TraceId(trace), name, attributes: attributes);
        span.EndTimeUnixNano = span.StartTimeUnixNano + (ulong)durationMs * 1_000_000;
        span.Status = new Status { Code = status };
        return span;
    }

    public Task Send(params Span[] spans) => Processor.ConsumeAsync(Spans.Batch(spans), default).AsTask();

    public Task SendFrom(string service, params Span[] spans) =>
        Processor.ConsumeAsync(global::Kubetrace.Pipeline.TraceBatch.FromRequest(Spans.Request(spans, service)), default).AsTask();

    /// <summary>Lets decision_wait pass and runs the decision loop once.</summary>
    public async Task DecideAsync(TimeSpan? after = null)
    {
        Time.Advance(after ?? TimeSpan.FromSeconds(11));
        await Processor.DecideDueAsync(default);
    }

    public List<Span> Forwarded => Spans.All(Next.Received).ToList();

    public HashSet<int> ForwardedTraces => Forwarded.Select(s => BitConverter.ToInt32(s.TraceId.Span[..4])).ToHashSet();
}
