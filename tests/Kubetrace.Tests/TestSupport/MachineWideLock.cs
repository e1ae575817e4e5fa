namespace Kubetrace.Tests.TestSupport;

/// <summary>
/// A lock held across processes on this machine: an exclusive lock (flock) on a file in the temp folder, which the
/// kernel releases when the holder exits, even by a crash. For the few tests that need a machine-wide resource
/// (the Collector's default ports), so that test runs of several clones on one machine take turns.
/// </summary>
internal sealed class MachineWideLock : IDisposable
{
    private readonly FileStream _file;

    private MachineWideLock(FileStream file) => _file = file;

    /// <summary>Waits until the lock named <paramref name="name"/> is free and takes it; fails after the timeout.</summary>
    public static async Task<MachineWideLock> AcquireAsync(string name, TimeSpan timeout)
    {
        var path = Path.Combine(Path.GetTempPath(), $"kubetrace-tests-{name}.lock");
        FileStream? file = null;
        var taken = await Wait.HoldsWithinAsync(() =>
        {
            try
            {
                // FileShare.None is an exclusive flock on Unix: a second holder gets an IOException.
                file = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
                return true;
            }
            catch (IOException)
            {
                return false;
            }
        }, timeout);
        if (!taken) throw new TimeoutException($"another test run held {path} for more than {timeout.TotalSeconds} s");
        return new MachineWideLock(file!);
    }

    public void Dispose() => _file.Dispose();
}
