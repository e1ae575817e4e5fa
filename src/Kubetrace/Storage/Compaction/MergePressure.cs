using System.Diagnostics;

namespace Kubetrace.Storage.Compaction;

/// <summary>
/// How a merge honours memory pressure that starts while it runs (a compaction only starts while memory is not
/// short): it pauses, holding what it built so far but allocating no more, while the memory limiter refuses data and
/// collects; if memory stays short for <paramref name="patience"/>, it gives up (<see cref="MemoryShortException"/>)
/// so that what it holds can be collected, and its sources stay as they are until a later pass. Without this a
/// merge of 19 blocks took a soak's server from its 256 MiB limit to 331 MiB.
/// </summary>
internal sealed class MergePressure(Func<bool> isShort, TimeSpan patience)
{
    /// <summary>How long a merge waits for memory before it gives up.</summary>
    public static readonly TimeSpan DefaultPatience = TimeSpan.FromSeconds(30);

    /// <summary>Returns at once while memory is not short; otherwise waits until it is not, or throws.</summary>
    /// <exception cref="MemoryShortException">Memory stayed short for the whole patience.</exception>
    public void WaitWhileShort(CancellationToken cancellationToken)
    {
        if (!isShort()) return;
        var waited = Stopwatch.StartNew();
        while (isShort())
        {
            if (waited.Elapsed >= patience) throw new MemoryShortException(waited.Elapsed);
            cancellationToken.WaitHandle.WaitOne(TimeSpan.FromMilliseconds(100));
            cancellationToken.ThrowIfCancellationRequested();
        }
    }
}

/// <summary>A merge gave up because memory stayed short (<see cref="MergePressure"/>).</summary>
internal sealed class MemoryShortException(TimeSpan waited)
    : Exception($"memory stayed short for {waited.TotalSeconds:F0} s during the merge");
