namespace Kubetrace.Bench;

/// <summary>
/// Spaces sends evenly to reach a target request rate over all workers: each send takes the next slot on a shared
/// schedule and waits for it. A server slower than the target simply gets the sends as fast as it answers.
/// </summary>
internal sealed class RatePacer
{
    private readonly TimeProvider _clock;
    private readonly long _start;
    private readonly double _ticksPerRequest;
    private long _lastSlot = -1;

    /// <param name="requestsPerSecond">The target rate over all workers.</param>
    /// <param name="clock">The schedule's clock (a test moves a manual one; the bench uses the system's).</param>
    public RatePacer(double requestsPerSecond, TimeProvider? clock = null)
    {
        _clock = clock ?? TimeProvider.System;
        _start = _clock.GetTimestamp();
        _ticksPerRequest = _clock.TimestampFrequency / requestsPerSecond;
    }

    /// <summary>Waits for this send's slot; false when cancelled first.</summary>
    public async ValueTask<bool> WaitTurnAsync(CancellationToken cancellationToken)
    {
        var wait = TakeSlot();
        if (wait <= TimeSpan.Zero) return !cancellationToken.IsCancellationRequested;
        try
        {
            await Task.Delay(wait, _clock, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Takes the next slot and says how long until it comes (zero or less: it is due).</summary>
    internal TimeSpan TakeSlot()
    {
        var slot = Interlocked.Increment(ref _lastSlot);
        var ticks = _start + (long)(slot * _ticksPerRequest) - _clock.GetTimestamp();
        return TimeSpan.FromSeconds((double)ticks / _clock.TimestampFrequency);
    }
}
