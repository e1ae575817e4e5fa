using Kubetrace.Storage.Blocks;
using Microsoft.Extensions.Logging.Abstractions;

namespace Kubetrace.Tests.Storage;

/// <summary>The block files of a store folder, and what their indexes weigh on disk.</summary>
internal static class StoreBlockFiles
{
    /// <summary>The folder's block files, oldest first.</summary>
    public static string[] Of(string storeDirectory) =>
        [.. Directory.GetFiles(Path.Combine(storeDirectory, "blocks"), "*.ktb").Order(StringComparer.Ordinal)];

    /// <summary>The bytes of a block's index (its footer, whatever its format): everything between its last row group
    /// and its trailer.</summary>
    public static long IndexBytes(string blockFile)
    {
        using var block = BlockReader.Open(blockFile, new RowGroupCache(1), NullLogger.Instance);
        var last = block.Footer.RowGroups[^1];
        return new FileInfo(blockFile).Length - BlockWriter.TrailerSize - (last.Offset + last.Length);
    }
}
