namespace Kubetrace.Tests.TestSupport;

/// <summary>
/// A clock that moves only when the test says so, for wall time (<see cref="GetUtcNow"/>: retention, rollups, the
/// head's age) and for elapsed time (<see cref="GetTimestamp"/>: sampling windows, memory checks) alike; both move
/// together. Thread-safe, because the code under test reads it from its own loops. Timers (a <c>Task.Delay</c> on
/// this clock) still run on real time, and the clock keeps what each was asked for (<see cref="TimersAsked"/>), so a
/// test checks how long the code chose to wait instead of timing it.
/// </summary>
public sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    private readonly System.Collections.Concurrent.ConcurrentQueue<TimeSpan> _timersAsked = new();

    private readonly long _startTicks = start.UtcTicks;
    private long _nowTicks = start.UtcTicks;

    public ManualClock() : this(DateTimeOffset.UnixEpoch) { }

    /// <summary>The current time; setting it moves the clock there (forwards or back).</summary>
    public DateTimeOffset Now
    {
        get => new(Interlocked.Read(ref _nowTicks), TimeSpan.Zero);
        set => Interlocked.Exchange(ref _nowTicks, value.UtcTicks);
    }

    public void Advance(TimeSpan by) => Interlocked.Add(ref _nowTicks, by.Ticks);

    public override DateTimeOffset GetUtcNow() => Now;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp() => Interlocked.Read(ref _nowTicks) - _startTicks;

    /// <summary>The due time of every timer created on this clock, in order (a retry's back-off, a server's Retry-After).</summary>
    public IReadOnlyList<TimeSpan> TimersAsked => [.. _timersAsked];

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        _timersAsked.Enqueue(dueTime);
        return base.CreateTimer(callback, state, dueTime, period);
    }
}
