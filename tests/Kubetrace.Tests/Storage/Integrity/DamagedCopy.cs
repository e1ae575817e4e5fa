using Kubetrace.Storage;

namespace Kubetrace.Tests.Storage.Integrity;

/// <summary>
/// A copy of a store folder with one byte flipped in one file, opened as a store: what a damaged disk would hand
/// the next start. The copy is deleted on dispose.
/// </summary>
internal sealed class DamagedCopy : IAsyncDisposable
{
    private DamagedCopy(string directory, EmbeddedTraceStore store)
    {
        Directory = directory;
        Store = store;
    }

    public string Directory { get; }
    public EmbeddedTraceStore Store { get; }

    /// <param name="file">Relative to the store folder, e.g. <c>blocks/000000000003.ktb</c>.</param>
    public static DamagedCopy Open(string pristine, string file, long offset, Func<string, StoreOptions>? options = null)
    {
        var directory = Copy(pristine);
        Flip(Path.Combine(directory, file), offset);
        return new DamagedCopy(directory, EmbeddedTraceStore.Open(options?.Invoke(directory) ?? new StoreOptions { Directory = directory }));
    }

    /// <summary>A copy of <paramref name="pristine"/> in a new temporary folder.</summary>
    public static string Copy(string pristine)
    {
        var directory = Path.Combine(Path.GetTempPath(), "kubetrace-damaged-" + Guid.NewGuid().ToString("N"));
        foreach (var source in System.IO.Directory.EnumerateFiles(pristine, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(directory, Path.GetRelativePath(pristine, source));
            System.IO.Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(source, target);
        }
        return directory;
    }

    public static void Flip(string path, long offset)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.ReadWrite);
        file.Position = offset;
        var b = file.ReadByte();
        file.Position = offset;
        file.WriteByte((byte)(b ^ 0x10));
    }

    /// <summary>Offsets spread evenly over a file of <paramref name="length"/> bytes (first and last included).</summary>
    public static IEnumerable<long> Sample(long length, int count) =>
        Enumerable.Range(0, count).Select(i => (long)Math.Round(i * (length - 1) / (double)(count - 1))).Distinct();

    public async ValueTask DisposeAsync()
    {
        await Store.DisposeAsync();
        TempDirectory.Remove(Directory);
    }
}
