namespace Kubetrace.Tests.TestSupport;

/// <summary>A private folder for one server's config and output, removed afterwards.</summary>
internal sealed class TempDirectory : IDisposable
{
    public TempDirectory() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "kubetrace-e2e-" + Guid.NewGuid().ToString("N")[..12]);

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose() => Remove(Path);

    /// <summary>
    /// Removes a test's folder with everything in it, if it can: a file still held open (a server being killed) must
    /// not fail the test that already ran. The one way the harness cleans up a folder.
    /// </summary>
    public static void Remove(string path)
    {
        try { Directory.Delete(path, recursive: true); }
        catch (DirectoryNotFoundException) { /* already gone */ }
        catch (IOException) { /* held open: left to the temporary folder's cleanup */ }
    }
}
