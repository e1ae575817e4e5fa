using System.Globalization;
using Kubetrace.Storage.Encryption;
using Kubetrace.Storage.Head;
using Kubetrace.Storage.Wal;
using Microsoft.Extensions.Logging;

namespace Kubetrace.Storage.Blocks;

/// <summary>The folder of block files: opens them at start (skipping damaged ones), writes new ones atomically, deletes.</summary>
internal sealed class BlockDirectory
{
    private const string Extension = ".ktb";
    private readonly string _directory;
    private readonly ILogger _logger;
    private readonly StoreKeyRing _keys;

    /// <param name="footerBytes">Bound of the footers held for queries (<see cref="StoreOptions.IndexCacheBytes"/>).</param>
    public BlockDirectory(string directory, ILogger logger, StoreKeyRing keys, long footerBytes = FooterCache.DefaultBytes, int cacheSpans = 256 * 1024)
    {
        _directory = directory;
        _logger = logger;
        _keys = keys;
        Cache = new RowGroupCache(cacheSpans);
        Footers = new FooterCache(footerBytes);
        Directory.CreateDirectory(directory);
    }

    public RowGroupCache Cache { get; }

    /// <summary>The footers of the open blocks that queries read recently.</summary>
    public FooterCache Footers { get; }

    /// <summary>The folder (rollup sidecars live beside the blocks).</summary>
    public string Folder => _directory;

    /// <exception cref="StoreKeyException">A block's key is missing or wrong (no block is set aside for it).</exception>
    public List<BlockReader> OpenAll()
    {
        foreach (var leftover in Directory.EnumerateFiles(_directory, "*.tmp")) File.Delete(leftover);
        var blocks = new List<BlockReader>();
        foreach (var path in Directory.EnumerateFiles(_directory, "*" + Extension).Order())
        {
            try
            {
                blocks.Add(BlockReader.Open(path, Cache, _logger, _keys, Footers));
            }
            catch (StoreKeyException)
            {
                foreach (var opened in blocks) opened.Dispose();
                throw;
            }
            catch (Exception e) when (e is InvalidDataException or IOException or ZstdSharp.ZstdException or Google.Protobuf.InvalidProtocolBufferException)
            {
                _logger.LogWarning(e, "block {Path} is damaged; skipping it (renamed to .corrupt)", path);
                TryRename(path, path + ".corrupt");
            }
        }
        return blocks;
    }

    /// <param name="name">The file name; default: the head's last WAL segment (merged blocks name their range).</param>
    public BlockReader Write(HeadBlock frozen, StoreOptions options, string? name = null) =>
        Write(name ?? frozen.LastSegment.ToString("D12", CultureInfo.InvariantCulture) + Extension,
            (temporary, key) => BlockWriter.Write(frozen, temporary, options.RowGroupSpans, sealWith: key));

    /// <summary>Writes a block named <paramref name="name"/> by <paramref name="write"/> (given the temporary path to
    /// write and the key to seal with), renames it into place once complete and opens it.</summary>
    public BlockReader Write(string name, Action<string, StoreKey?> write)
    {
        var path = Path.Combine(_directory, name);
        var temporary = path + ".tmp";
        try
        {
            write(temporary, _keys.Active);
            Rollups.RollupFiles.DeleteFor(path, _logger); // a retried write replaces the block: its rollups are stale
            File.Move(temporary, path, overwrite: true);
            DirectorySync.Sync(_directory);
        }
        catch
        {
            TryDelete(temporary);
            throw;
        }
        return BlockReader.Open(path, Cache, _logger, _keys, Footers);
    }

    /// <summary>Deletes the file now; the open handle keeps serving queries that already hold the block and is
    /// closed a little later, when the space is reclaimed.</summary>
    public void Delete(BlockReader block)
    {
        TryDelete(block.Path);
        Rollups.RollupFiles.DeleteFor(block.Path, _logger);
        Retire(block);
    }

    /// <summary>Forgets a block whose file was replaced (renamed over, <see cref="Write"/> under its name): its
    /// cached row groups go, and its handle, still on the old file, is closed once queries holding it are done.</summary>
    public void Retire(BlockReader block)
    {
        Cache.Evict(block);
        _ = Task.Delay(TimeSpan.FromSeconds(5)).ContinueWith(_ => block.Dispose(), TaskScheduler.Default);
    }

    private void TryDelete(string path)
    {
        try { File.Delete(path); }
        catch (IOException e) { _logger.LogWarning(e, "cannot delete {Path}", path); }
    }

    private void TryRename(string from, string to)
    {
        try { File.Move(from, to, overwrite: true); }
        catch (IOException) { }
    }
}
