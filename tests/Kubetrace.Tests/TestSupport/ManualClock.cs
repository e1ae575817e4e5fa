using Microsoft.Extensions.Time.Testing;

namespace Kubetrace.Tests.TestSupport;

/// <summary>
/// A clock that moves only when the test says so, for wall time (<see cref="TimeProvider.GetUtcNow"/>: retention,
/// rollups, the head's age) and for elapsed time (<see cref="GetTimestamp"/>: sampling windows, memory checks, the
/// batch timeout) alike; both move together. Timers created on it (a <c>Task.Delay</c>, a <c>PeriodicTimer</c>, a
/// <c>CancellationTokenSource</c> on this clock) fire when the clock is moved past their due time, never on their own:
/// the timers are <see cref="FakeTimeProvider"/>'s (the one fake clock of the suite, so that every test moves time
/// the same way). What this adds: <see cref="Now"/> can also be set back, timestamps start at 0, and the clock keeps
/// what each timer was asked for (<see cref="TimersAsked"/>), so a test checks how long the code chose to wait
/// instead of timing it, and lets exactly that time pass (<see cref="PassNextTimerAsync"/>).
/// </summary>
public sealed class ManualClock(DateTimeOffset start) : FakeTimeProvider(start)
{
    private readonly System.Collections.Concurrent.ConcurrentQueue<TimeSpan> _timersAsked = new();
    private int _timersPassed;

    public ManualClock() : this(DateTimeOffset.UnixEpoch) { }

    /// <summary>
    /// The current time; setting it moves the clock there. Forwards, the timers due by then fire; back (a test that
    /// returns to the real now), the timers keep how long they still have to wait.
    /// </summary>
    public DateTimeOffset Now
    {
        get => GetUtcNow();
        set
        {
            if (value >= GetUtcNow()) SetUtcNow(value);
            else AdjustTime(value);
        }
    }

    /// <summary>Elapsed time since the clock was made, in ticks (<see cref="FakeTimeProvider.TimestampFrequency"/>).</summary>
    public override long GetTimestamp() => GetUtcNow().UtcTicks - Start.UtcTicks;

    /// <summary>
    /// Every due time a timer on this clock was set to, in order: when it was created (a retry's back-off, a server's
    /// Retry-After) and when it was set again (a <c>CancelAfter</c> on a reused token source). Timers created or
    /// set to wait forever are not in it.
    /// </summary>
    public IReadOnlyList<TimeSpan> TimersAsked => [.. _timersAsked];

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        Asked(dueTime);
        return new RecordedTimer(this, base.CreateTimer(callback, state, dueTime, period));
    }

    private void Asked(TimeSpan dueTime)
    {
        if (dueTime != Timeout.InfiniteTimeSpan) _timersAsked.Enqueue(dueTime);
    }

    private sealed class RecordedTimer(ManualClock clock, ITimer timer) : ITimer
    {
        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            clock.Asked(dueTime);
            return timer.Change(dueTime, period);
        }

        public void Dispose() => timer.Dispose();

        public ValueTask DisposeAsync() => timer.DisposeAsync();
    }

    /// <summary>
    /// Waits until the code under test has set its next timer (the first one asked and not passed yet), then moves
    /// the clock by that timer's due time, so that it fires: a retry's back-off passes at once, and exactly as long as
    /// the code asked for.
    /// </summary>
    public async Task PassNextTimerAsync(string what)
    {
        var next = _timersPassed;
        await Wait.UntilAsync(() => _timersAsked.Count > next, $"{what}: timer {next + 1} set on the manual clock");
        _timersPassed++;
        Advance(TimersAsked[next]);
    }
}
