using Kubetrace.Bench.Transport;

namespace Kubetrace.Bench.Measurement;

/// <summary>What one worker saw of its sends; merged over workers for the report. Single-threaded by design.</summary>
internal sealed class SendStats
{
    public long Requests { get; private set; }

    public long SucceededRequests { get; private set; }

    public long Spans { get; private set; }

    public long AcceptedSpans { get; private set; }

    public long RejectedSpans { get; private set; }

    public long Bytes { get; private set; }

    public Dictionary<string, long> Errors { get; } = [];

    /// <summary>The first message seen for each error label.</summary>
    public Dictionary<string, string> ErrorExamples { get; } = [];

    public LatencyHistogram Latency { get; } = new();

    public void Record(in SendOutcome outcome, int spans, long bytes, long latencyMicros)
    {
        Requests++;
        Spans += spans;
        Bytes += bytes;
        Latency.Record(latencyMicros);
        if (outcome.Error is { } error)
        {
            Errors[error] = Errors.GetValueOrDefault(error) + 1;
            if (outcome.Detail is { } detail) ErrorExamples.TryAdd(error, detail);
            return;
        }
        SucceededRequests++;
        RejectedSpans += outcome.RejectedSpans;
        AcceptedSpans += spans - outcome.RejectedSpans;
    }

    public void Add(SendStats other)
    {
        Requests += other.Requests;
        SucceededRequests += other.SucceededRequests;
        Spans += other.Spans;
        AcceptedSpans += other.AcceptedSpans;
        RejectedSpans += other.RejectedSpans;
        Bytes += other.Bytes;
        foreach (var (error, count) in other.Errors)
            Errors[error] = Errors.GetValueOrDefault(error) + count;
        foreach (var (error, example) in other.ErrorExamples)
            ErrorExamples.TryAdd(error, example);
        Latency.Add(other.Latency);
    }
}
