using System.Collections.Concurrent;
using Kubetrace.Storage.Blocks;
using Kubetrace.Storage.Encryption;
using Microsoft.Extensions.Logging;

namespace Kubetrace.Storage.Rollups;

/// <summary>
/// The valid rollups of the open blocks, in memory (header and owned bitmap; payloads stay on disk until a query
/// reads them). The build loop adds, queries read, and a sidecar found damaged is discarded so that it is rebuilt.
/// </summary>
internal sealed class RollupCatalog
{
    private readonly ConcurrentDictionary<(BlockReader Block, string Id), RollupSidecar> _built = new();
    private readonly ConcurrentDictionary<BlockReader, DateTimeOffset> _writtenAt = new();
    private readonly ILogger _logger;
    private readonly StoreKeyRing _keys;

    public RollupCatalog(IReadOnlyList<IRollup> rollups, ILogger logger, StoreKeyRing keys)
    {
        _keys = keys;
        foreach (var rollup in rollups) RollupFiles.CheckId(rollup.Id);
        var duplicate = rollups.GroupBy(r => r.Id, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new ArgumentException($"rollup ID \"{duplicate.Key}\" is registered twice");
        Rollups = rollups;
        _logger = logger;
    }

    /// <summary>The registered rollups (<see cref="StoreOptions.Rollups"/>).</summary>
    public IReadOnlyList<IRollup> Rollups { get; }

    public bool IsRegistered(string rollupId) => Rollups.Any(r => r.Id == rollupId);

    /// <summary>Reads the sidecars of the blocks opened at start: a damaged one, one of another block of the same
    /// name, or one of another version of a registered rollup is logged and deleted (a registered rollup is then
    /// rebuilt); sidecars without a block are deleted.</summary>
    public void Load(string directory, IReadOnlyList<BlockReader> blocks)
    {
        RollupFiles.DeleteOrphans(directory, blocks.Select(b => b.Path), _logger);
        foreach (var block in blocks)
        foreach (var (path, id) in RollupFiles.Of(block.Path))
        {
            if (!IsRegistered(id))
            {
                if (Rollups.FirstOrDefault(r => RollupFiles.Family(r.Id) == RollupFiles.Family(id)) is { } current)
                {
                    _logger.LogInformation("rollup {Path} is of another version than {Id}; deleting it (it is rebuilt)", path, current.Id);
                    RollupFiles.TryDelete(path, _logger);
                }
                continue; // a rollup not registered now (rollups off, or an analysis gone): kept with its block
            }
            try
            {
                var sidecar = RollupSidecar.Read(path, _keys);
                if (!sidecar.Matches(block, id)) throw new InvalidDataException("it was built for another block of that name");
                _built[(block, id)] = sidecar;
            }
            catch (Exception e) when (e is InvalidDataException or IOException)
            {
                _logger.LogWarning("rollup {Path} is unusable ({Reason}); rebuilding it", path, e.Message);
                RollupFiles.TryDelete(path, _logger);
            }
        }
    }

    public RollupSidecar? Find(BlockReader block, string rollupId) => _built.GetValueOrDefault((block, rollupId));

    public void Add(BlockReader block, RollupSidecar sidecar) => _built[(block, sidecar.RollupId)] = sidecar;

    /// <summary>A sidecar found damaged by a query: forgotten and deleted, so that the build loop makes it again.</summary>
    public void Discard(BlockReader block, RollupSidecar sidecar, Exception reason)
    {
        if (!_built.TryRemove(new KeyValuePair<(BlockReader, string), RollupSidecar>((block, sidecar.RollupId), sidecar))) return;
        _logger.LogWarning("rollup {Path} is unusable ({Reason}); scanning its block instead until it is rebuilt", sidecar.Path, reason.Message);
        RollupFiles.TryDelete(sidecar.Path, _logger);
    }

    /// <summary>Forgets the rollups of blocks no longer in the store (their files went with the block).</summary>
    public void Retain(IReadOnlyCollection<BlockReader> blocks)
    {
        var live = blocks.ToHashSet();
        foreach (var key in _built.Keys)
            if (!live.Contains(key.Block)) _built.TryRemove(key, out _);
        foreach (var block in _writtenAt.Keys)
            if (!live.Contains(block)) _writtenAt.TryRemove(block, out _);
    }

    /// <summary>The registered rollups <paramref name="block"/> lacks.</summary>
    public List<IRollup> Missing(BlockReader block) => Rollups.Where(r => Find(block, r.Id) is null).ToList();

    /// <summary>
    /// A block is settled once its file was written at least <paramref name="settle"/> ago (the file's time, so
    /// that it survives restarts): by then the spans of its traces that were still in flight have arrived, mostly.
    /// </summary>
    public bool IsSettled(BlockReader block, DateTimeOffset now, TimeSpan settle)
    {
        if (!_writtenAt.TryGetValue(block, out var written))
        {
            var file = new FileInfo(block.Path);
            if (!file.Exists) return false; // deleted under us: about to leave the view
            written = _writtenAt[block] = new DateTimeOffset(file.LastWriteTimeUtc, TimeSpan.Zero);
        }
        return now - written >= settle;
    }

    /// <summary>Bytes of the sidecars kept beside <paramref name="block"/>.</summary>
    public long BytesOf(BlockReader block)
    {
        long bytes = 0;
        foreach (var rollup in Rollups)
            if (Find(block, rollup.Id) is { } sidecar) bytes += sidecar.FileSize;
        return bytes;
    }

    /// <summary>Rollups built and missing over <paramref name="blocks"/>, and the sidecars' bytes.</summary>
    public (int Built, int Pending, long Bytes) Count(IReadOnlyCollection<BlockReader> blocks)
    {
        int built = 0, pending = 0;
        long bytes = 0;
        foreach (var block in blocks)
        {
            if (block.TraceCount == 0) continue;
            foreach (var rollup in Rollups)
                if (Find(block, rollup.Id) is { } sidecar)
                {
                    built++;
                    bytes += sidecar.FileSize;
                }
                else pending++;
        }
        return (built, pending, bytes);
    }
}
