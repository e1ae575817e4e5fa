using System.Diagnostics;

namespace Kubetrace.Tests.Processors.TailSampling;

/// <summary>A clock that moves only when told to, for decision_wait and rate limits.</summary>
internal sealed class ManualTime : TimeProvider
{
    private long _timestamp = Stopwatch.Frequency * 1_000;

    public override long TimestampFrequency => Stopwatch.Frequency;

    public override long GetTimestamp() => Interlocked.Read(ref _timestamp);

    public void Advance(TimeSpan by) => Interlocked.Add(ref _timestamp, (long)(by.TotalSeconds * Stopwatch.Frequency));
}
