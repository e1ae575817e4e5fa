namespace Kubetrace.Tests.TestSupport;

/// <summary>
/// A clock that moves only when the test says so, for wall time (<see cref="GetUtcNow"/>: retention, rollups, the
/// head's age) and for elapsed time (<see cref="GetTimestamp"/>: sampling windows, memory checks) alike; both move
/// together. Thread-safe, because the code under test reads it from its own loops.
/// </summary>
public sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
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
}
