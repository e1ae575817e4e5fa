using Kubetrace.Processors.MemoryLimiter;

namespace Kubetrace.Tests.Processors.MemoryLimiter;

/// <summary>When the limiter measures before its tick: after a sixteenth of the room under the soft limit is let
/// through, never after less than 256 KiB, and asking once per measurement.</summary>
public class GrowthAllowanceTests
{
    private const long MiB = 1024 * 1024;
    private readonly GrowthAllowance _allowance = new();

    [Fact]
    public void Asks_for_a_measurement_once_a_sixteenth_of_the_room_has_been_admitted()
    {
        _allowance.Measured(inUse: 48 * MiB, soft: 80 * MiB);

        Assert.False(_allowance.Admit(MiB));
        Assert.False(_allowance.Admit(MiB - 1));
        Assert.True(_allowance.Admit(1)); // 2 MiB: 32 MiB / 16
    }

    [Fact]
    public void Asks_once_until_the_measurement_is_made_then_starts_again_from_the_new_room()
    {
        _allowance.Measured(inUse: 48 * MiB, soft: 80 * MiB);
        Assert.True(_allowance.Admit(2 * MiB));
        Assert.False(_allowance.Admit(10 * MiB)); // already asked: one measurement is enough

        _allowance.Measured(inUse: 64 * MiB, soft: 80 * MiB); // 16 MiB left: 1 MiB steps
        Assert.False(_allowance.Admit(MiB - 1));
        Assert.True(_allowance.Admit(1));
    }

    [Fact]
    public void Near_or_above_the_soft_limit_the_step_is_256_KiB_not_every_batch()
    {
        _allowance.Measured(inUse: 80 * MiB + 1, soft: 80 * MiB);

        Assert.False(_allowance.Admit(GrowthAllowance.MinStep - 1));
        Assert.True(_allowance.Admit(1));
    }

    [Fact]
    public void Before_the_first_measurement_nothing_is_asked()
    {
        Assert.False(_allowance.Admit(1L << 40));
    }
}
