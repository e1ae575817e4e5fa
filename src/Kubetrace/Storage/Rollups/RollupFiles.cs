using Microsoft.Extensions.Logging;

namespace Kubetrace.Storage.Rollups;

/// <summary>
/// Where a block's rollups live: beside it, <c>000000000012.ktb</c> → <c>000000000012.apiserver-1.rollup</c> (block
/// names hold no dot, rollup IDs only letters, digits, '-' and '_'), so that a block's sidecars are found and
/// deleted by name, and sidecars whose block is gone are recognised at open.
/// </summary>
internal static class RollupFiles
{
    public const string Extension = ".rollup";

    public static string PathFor(string blockPath, string rollupId) =>
        Path.Combine(Path.GetDirectoryName(blockPath)!, Path.GetFileNameWithoutExtension(blockPath) + "." + rollupId + Extension);

    /// <summary>Throws when an ID would not make a safe, parseable file name.</summary>
    public static void CheckId(string rollupId)
    {
        if (rollupId.Length is 0 or > 64 || !rollupId.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
            throw new ArgumentException($"rollup ID \"{rollupId}\" must be 1 to 64 ASCII letters, digits, '-' or '_' (it names files)");
    }

    /// <summary>The sidecars of a block and their rollup IDs.</summary>
    public static IEnumerable<(string Path, string RollupId)> Of(string blockPath)
    {
        var stem = Path.GetFileNameWithoutExtension(blockPath);
        foreach (var path in Directory.EnumerateFiles(Path.GetDirectoryName(blockPath)!, stem + ".*" + Extension))
        {
            var name = Path.GetFileName(path);
            yield return (path, name[(stem.Length + 1)..^Extension.Length]);
        }
    }

    /// <summary>A rollup ID without its trailing version (<c>apiserver-2</c> → <c>apiserver</c>): sidecars of the
    /// same family but another version are stale.</summary>
    public static string Family(string rollupId)
    {
        var dash = rollupId.LastIndexOf('-');
        return dash > 0 && rollupId[(dash + 1)..].All(char.IsAsciiDigit) ? rollupId[..dash] : rollupId;
    }

    /// <summary>Deletes every sidecar of a block (with the block: retention, compaction, merged-block recovery).</summary>
    public static void DeleteFor(string blockPath, ILogger logger)
    {
        try
        {
            foreach (var (sidecar, _) in Of(blockPath).ToList()) TryDelete(sidecar, logger);
        }
        catch (IOException e)
        {
            logger.LogWarning(e, "cannot list the rollups of {Path}", blockPath);
        }
    }

    /// <summary>Deletes sidecars whose block is not among <paramref name="blockPaths"/> (a crash between deleting a
    /// block and its sidecars, or a damaged block set aside at open).</summary>
    public static void DeleteOrphans(string directory, IEnumerable<string> blockPaths, ILogger logger)
    {
        var stems = blockPaths.Select(Path.GetFileNameWithoutExtension).ToHashSet(StringComparer.Ordinal);
        foreach (var sidecar in Directory.EnumerateFiles(directory, "*" + Extension))
        {
            var name = Path.GetFileName(sidecar);
            if (stems.Contains(name[..name.IndexOf('.', StringComparison.Ordinal)])) continue;
            logger.LogInformation("rollup {Path} has no block; deleting it", sidecar);
            TryDelete(sidecar, logger);
        }
    }

    public static void TryDelete(string path, ILogger logger)
    {
        try { File.Delete(path); }
        catch (IOException e) { logger.LogWarning(e, "cannot delete {Path}", path); }
    }
}
