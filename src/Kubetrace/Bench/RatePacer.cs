using System.Diagnostics;

namespace Kubetrace.Bench;

/// <summary>
/// Spaces sends evenly to reach a target request rate over all workers: each send takes the next slot on a shared
/// schedule and waits for it. A server slower than the target simply gets the sends as fast as it answers.
/// </summary>
internal sealed class RatePacer(double requestsPerSecond)
{
    private readonly long _start = Stopwatch.GetTimestamp();
    private readonly double _ticksPerRequest = Stopwatch.Frequency / requestsPerSecond;
    private long _lastSlot = -1;

    /// <summary>Waits for this send's slot; false when cancelled first.</summary>
    public async ValueTask<bool> WaitTurnAsync(CancellationToken cancellationToken)
    {
        var slot = Interlocked.Increment(ref _lastSlot);
        var wait = _start + (long)(slot * _ticksPerRequest) - Stopwatch.GetTimestamp();
        if (wait <= 0) return !cancellationToken.IsCancellationRequested;
        try
        {
            await Task.Delay(TimeSpan.FromSeconds((double)wait / Stopwatch.Frequency), cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
