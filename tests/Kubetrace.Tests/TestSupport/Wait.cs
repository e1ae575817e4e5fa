using System.Diagnostics;

namespace Kubetrace.Tests.TestSupport;

/// <summary>
/// The one way a test waits for something that happens on another thread or in another process: poll a condition
/// until a deadline, then fail with a message that names what was awaited. The deadline is generous (a loaded
/// 2-core CI machine is slow, not broken); a test never asserts how fast something happened, only that it did.
/// </summary>
public static class Wait
{
    /// <summary>Long enough for a starved machine; a real hang still fails well within the suite's hang timeout.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(20);

    /// <summary>Waits until <paramref name="condition"/> holds; throws a <see cref="TimeoutException"/> naming <paramref name="what"/>.</summary>
    public static Task UntilAsync(Func<bool> condition, string what, TimeSpan? timeout = null) =>
        UntilAsync(() => Task.FromResult(condition()), what, timeout);

    /// <summary>Waits until the asynchronous <paramref name="condition"/> holds; throws naming <paramref name="what"/>.</summary>
    public static async Task UntilAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null)
    {
        if (!await HoldsWithinAsync(condition, timeout ?? DefaultTimeout))
            throw new TimeoutException($"timed out after {(timeout ?? DefaultTimeout).TotalSeconds:0.#} s waiting until {what}");
    }

    /// <summary>
    /// Waits until <paramref name="condition"/> holds; the failure names what was awaited and what was last seen, as
    /// <paramref name="describe"/> tells it at the deadline (counts so far, who is still missing).
    /// </summary>
    public static async Task UntilAsync(Func<Task<bool>> condition, Func<string> describe, TimeSpan? timeout = null)
    {
        if (!await HoldsWithinAsync(condition, timeout ?? DefaultTimeout))
            throw new TimeoutException($"timed out after {(timeout ?? DefaultTimeout).TotalSeconds:0.#} s waiting until {describe()}");
    }

    /// <summary>Synchronous form of <see cref="UntilAsync(Func{Task{bool}}, Func{string}, TimeSpan?)"/>.</summary>
    public static Task UntilAsync(Func<bool> condition, Func<string> describe, TimeSpan? timeout = null) =>
        UntilAsync(() => Task.FromResult(condition()), describe, timeout);

    /// <summary>
    /// Polls until <paramref name="condition"/> holds or the timeout passes, and says which: for callers that add
    /// their own context (a process's output) to the failure.
    /// </summary>
    public static async Task<bool> HoldsWithinAsync(Func<Task<bool>> condition, TimeSpan timeout)
    {
        var started = Stopwatch.GetTimestamp();
        while (!await condition())
        {
            if (Stopwatch.GetElapsedTime(started) > timeout) return await condition();
            await Task.Delay(PollInterval);
        }
        return true;
    }

    /// <summary>Synchronous form of <see cref="HoldsWithinAsync(Func{Task{bool}}, TimeSpan)"/>.</summary>
    public static Task<bool> HoldsWithinAsync(Func<bool> condition, TimeSpan timeout) =>
        HoldsWithinAsync(() => Task.FromResult(condition()), timeout);
}
