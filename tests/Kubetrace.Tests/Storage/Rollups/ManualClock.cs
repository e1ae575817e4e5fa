namespace Kubetrace.Tests.Storage.Rollups;

/// <summary>A clock the test moves (blocks settle when it says so).</summary>
internal sealed class ManualClock(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;
    public override DateTimeOffset GetUtcNow() => Now;
}
