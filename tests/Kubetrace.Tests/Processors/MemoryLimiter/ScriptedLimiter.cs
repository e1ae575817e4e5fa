using Kubetrace.Components;
using Kubetrace.Processors.MemoryLimiter;

namespace Kubetrace.Tests.Processors.MemoryLimiter;

/// <summary>
/// A <c>memory_limiter</c> with hard limit 100 MiB and spike 20 MiB (data refused from 80 MiB) on scripted memory and a
/// manual clock, with the pressure registry a store registers its release on, and the limiter's log.
/// </summary>
internal sealed class ScriptedLimiter
{
    public const long MiB = 1024 * 1024;

    public ScriptedLimiter()
    {
        var config = new MemoryLimiterConfig { CheckInterval = TimeSpan.FromSeconds(1), LimitMib = 100, SpikeLimitMib = 20 };
        Limiter = new MemoryLimiterProcessor(Settings.Settings with { MemoryPressure = Pressure }, config,
            new RecordingConsumer(), new MemoryLimits(100 * MiB, 20 * MiB), Memory, Clock);
    }

    public ScriptedMemory Memory { get; } = new();

    public ManualClock Clock { get; } = new();

    public MemoryPressure Pressure { get; } = new();

    public TestSettings Settings { get; } = new("memory_limiter");

    public MemoryLimiterProcessor Limiter { get; }

    public IEnumerable<string> Warnings => Settings.Log.Where(line => line.StartsWith("Warning: ", StringComparison.Ordinal));
}
