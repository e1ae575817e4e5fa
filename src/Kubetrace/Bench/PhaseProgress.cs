using System.Globalization;
using Kubetrace.Cli;

namespace Kubetrace.Bench;

/// <summary>
/// Shows the long phases of the in-process benchmarks (<c>bench store</c>, <c>analyze</c>, <c>traceql</c>,
/// <c>clickhouse</c>: generating the input, loading it, ingesting it, building rollups), which otherwise print
/// nothing for minutes, as <c>simulate</c> shows its run (<see cref="LiveProgress"/>): Spectre's progress bar on
/// standard error on a terminal, a plain line every <c>--progress-interval</c> otherwise, nothing with
/// <c>--quiet</c> (<see cref="BenchProgressOptions"/>). Each phase runs alone, so the bar never interleaves with the report's lines on standard output;
/// the display reads a counter the phase keeps (one atomic add per batch), never slowing it.
/// </summary>
internal sealed class PhaseProgress(TextWriter plain, bool interactive, TimeSpan interval, bool quiet)
{
    /// <summary>No display: callers that print their own.</summary>
    public static PhaseProgress None { get; } = new(TextWriter.Null, interactive: false, TimeSpan.FromSeconds(10), quiet: true);

    /// <summary>Runs <paramref name="work"/>, showing how many of <paramref name="total"/> spans it has counted (0: unknown).</summary>
    public async Task<T> RunAsync<T>(string phase, long total, Func<PhaseCounter, Task<T>> work)
    {
        var counter = new PhaseCounter();
        return await ShowAsync(phase, () => counter.Reading(total), work(counter)).ConfigureAwait(false);
    }

    /// <summary>Shows <paramref name="work"/> that keeps its own reading (the demo's backfill: simulated traffic sent).</summary>
    public async Task<T> ShowAsync<T>(string title, Func<ProgressReading> read, Task<T> work) => quiet
        ? await work.ConfigureAwait(false)
        : await LiveProgress.RunAsync(title, read, work, plain, interactive, interval).ConfigureAwait(false);

    /// <summary>A phase without a result.</summary>
    public Task RunAsync(string phase, long total, Func<PhaseCounter, Task> work) =>
        RunAsync(phase, total, async counter =>
        {
            await work(counter).ConfigureAwait(false);
            return true;
        });
}

/// <summary>What a phase has done so far, added to from any thread.</summary>
internal sealed class PhaseCounter
{
    private long _done;

    public long Done => Volatile.Read(ref _done);

    public void Add(long count) => Interlocked.Add(ref _done, count);

    public ProgressReading Reading(long total) => total > 0
        ? new ProgressReading((double)Done / total, string.Create(CultureInfo.InvariantCulture, $"{Done:N0} of {total:N0} spans"))
        : new ProgressReading(0, Done == 0 ? "running" : string.Create(CultureInfo.InvariantCulture, $"{Done:N0} spans"));
}
