using System.Text;
using Kubetrace.Storage.Encryption;
using Kubetrace.Storage.Wal;
using Microsoft.Extensions.Logging;

namespace Kubetrace.Extensions.FileStorage;

/// <summary>
/// One entry per file. A write goes to a temporary file that is renamed over the entry's name, so a crash at
/// any moment leaves the old entry or the new one, never half of one; with fsync, the file and then the folder
/// are flushed before the write returns. Leftover temporary files are removed when the client opens. With keys,
/// every entry is sealed whole (<see cref="SealedEntry"/>) with the newest, and read with any listed.
/// </summary>
internal sealed class FileStorageClient : IStorageClient
{
    private const string TempSuffix = ".tmp";
    private readonly string _folder;
    private readonly bool _fsync;
    private readonly StoreKeyRing _keys;

    public FileStorageClient(string folder, bool fsync, ILogger logger, StoreKeyRing? keys = null)
    {
        _folder = folder;
        _fsync = fsync;
        _keys = keys ?? StoreKeyRing.None;
        Directory.CreateDirectory(folder);
        foreach (var leftover in Directory.EnumerateFiles(folder, "*" + TempSuffix))
        {
            logger.LogWarning("removing {File}, a write interrupted by a crash (it was never acknowledged)", leftover);
            File.Delete(leftover);
        }
    }

    public byte[]? Get(string key)
    {
        byte[] file;
        try { file = File.ReadAllBytes(PathOf(key)); }
        catch (FileNotFoundException) { return null; }
        return SealedEntry.IsSealed(file) ? SealedEntry.Open(file, _keys, key, $"file_storage entry {PathOf(key)}") : file;
    }

    public void Set(string key, ReadOnlySpan<byte> value)
    {
        if (_keys.Active is { } sealing) value = SealedEntry.Seal(sealing, value, key);
        var path = PathOf(key);
        var temp = path + "." + Guid.NewGuid().ToString("N") + TempSuffix;
        using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.None))
        {
            file.Write(value);
            if (_fsync) file.Flush(flushToDisk: true);
        }
        File.Move(temp, path, overwrite: true);
        if (_fsync) DirectorySync.Sync(_folder);
    }

    public void Delete(string key)
    {
        File.Delete(PathOf(key));
    }

    public IReadOnlyList<string> Keys() => Directory.EnumerateFiles(_folder)
        .Select(Path.GetFileName).Where(n => !n!.EndsWith(TempSuffix, StringComparison.Ordinal))
        .Select(n => Decode(n!)).Order(StringComparer.Ordinal).ToList();

    private string PathOf(string key) => Path.Combine(_folder, Encode(key));

    /// <summary>Keys as file names: letters, digits, '-' and '_' as they are, anything else as %XX of its UTF-8 bytes.</summary>
    private static string Encode(string key)
    {
        var name = new StringBuilder();
        foreach (var b in Encoding.UTF8.GetBytes(key))
        {
            if (char.IsAsciiLetterOrDigit((char)b) || b is (byte)'-' or (byte)'_') name.Append((char)b);
            else name.Append('%').Append(b.ToString("X2"));
        }
        return name.ToString();
    }

    private static string Decode(string name)
    {
        var bytes = new List<byte>();
        for (var i = 0; i < name.Length; i++)
        {
            if (name[i] == '%' && i + 2 < name.Length) { bytes.Add(Convert.ToByte(name.Substring(i + 1, 2), 16)); i += 2; }
            else bytes.Add((byte)name[i]);
        }
        return Encoding.UTF8.GetString(bytes.ToArray());
    }
}
