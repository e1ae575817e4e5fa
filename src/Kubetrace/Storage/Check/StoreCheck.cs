using System.Globalization;
using Kubetrace.Storage.Blocks;
using Kubetrace.Storage.Encryption;
using Kubetrace.Storage.Rollups;
using Kubetrace.Storage.Wal;
using Microsoft.Extensions.Logging.Abstractions;

namespace Kubetrace.Storage.Check;

/// <summary>One file of a store as <see cref="StoreCheck"/> found it: what it holds, and its damage (none: intact).</summary>
/// <param name="Path">Relative to the store folder (<c>blocks/000000000012.ktb</c>).</param>
public sealed record CheckedFile(string Path, string Contents, IReadOnlyList<string> Damage)
{
    public bool Damaged => Damage.Count > 0;
}

/// <summary>
/// Verifies a store offline (<c>kubetrace store check DIR</c>, an fsck): every block's magic, trailer and footer
/// checksum (of a version 6 footer, each section's, each damaged section reported on its own line) and every row group's chunk checksums (decoding it too, which is all a block older than footer
/// version 3 can be checked by); every WAL record's checksum and codec; every rollup sidecar's checksums and that
/// its block is there, as built. Reads only: nothing is renamed, truncated or deleted (the store does that when it
/// opens), so the store should be stopped, or the check run on a copy. Sealed files are checked with
/// <paramref name="keys"/>; one whose key is not given is reported as such (not as damage to its bytes).
/// </summary>
public static class StoreCheck
{
    public static IReadOnlyList<CheckedFile> Run(string directory, StoreKeyRing? keys = null)
    {
        keys ??= StoreKeyRing.None;
        var blocksFolder = Path.Combine(directory, "blocks");
        var walFolder = Path.Combine(directory, "wal");
        if (!Directory.Exists(blocksFolder) && !Directory.Exists(walFolder))
            throw new DirectoryNotFoundException($"{directory} holds no store (neither blocks/ nor wal/)");
        var files = new List<CheckedFile>();
        var blocks = new Dictionary<string, BlockReader>(StringComparer.Ordinal);
        var cache = new RowGroupCache(1);
        var footers = new FooterCache(FooterCache.DefaultBytes);
        try
        {
            foreach (var path in Files(blocksFolder, "*.ktb"))
            {
                var (file, block) = CheckBlock(directory, path, cache, footers, keys);
                files.Add(file);
                if (block is not null) blocks[Path.GetFileNameWithoutExtension(path)] = block;
            }
            foreach (var path in Files(blocksFolder, "*.ktb.corrupt"))
                files.Add(new CheckedFile(Relative(directory, path), "a block set aside as damaged when the store opened",
                    ["quarantined: its spans are not served (delete it once the damage is understood)"]));
            foreach (var path in Files(blocksFolder, "*" + RollupFiles.Extension))
                files.Add(CheckRollup(directory, path, blocks, keys));
            foreach (var path in Files(walFolder, "*.wal"))
                files.Add(CheckSegment(directory, path, keys));
        }
        finally
        {
            foreach (var block in blocks.Values) block.Dispose();
        }
        return files;
    }

    private static (CheckedFile, BlockReader?) CheckBlock(string directory, string path, RowGroupCache cache, FooterCache footers, StoreKeyRing keys)
    {
        var damage = new List<string>();
        using (var stream = File.OpenRead(path))
        {
            var magic = new byte[BlockWriter.Magic.Length];
            if (stream.ReadAtLeast(magic, magic.Length, throwOnEndOfStream: false) < magic.Length || !BlockSealing.IsBlockMagic(magic))
                damage.Add("bad leading magic");
        }
        BlockReader block;
        try
        {
            block = BlockReader.Open(path, cache, NullLogger.Instance, keys, footers);
        }
        catch (StoreKeyException e)
        {
            return (new CheckedFile(Relative(directory, path), "a sealed block", [$"{e.Message}: not checked (give its key)"]), null);
        }
        catch (InvalidDataException e) when (e.Data[BlockReader.DamagedSections] is string[] damagedSections)
        {
            damage.AddRange(damagedSections.Select(section => $"{section}: the whole block is set aside when the store opens"));
            return (new CheckedFile(Relative(directory, path), "a block", damage), null);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or ZstdSharp.ZstdException or Google.Protobuf.InvalidProtocolBufferException)
        {
            damage.Add($"footer unreadable ({e.Message}): the whole block is set aside when the store opens");
            return (new CheckedFile(Relative(directory, path), "a block", damage), null);
        }
        var footer = block.Footer;
        foreach (var section in footer.Sections is null ? Array.Empty<FooterSection>() : Enum.GetValues<FooterSection>())
        {
            try
            {
                block.CheckSection(section);
            }
            catch (Exception e) when (e is InvalidDataException or IOException)
            {
                damage.Add($"{e.Message}: the block is left out of every answer once a query reads that section");
            }
        }
        for (var group = 0; group < footer.RowGroups.Length; group++)
        {
            var info = footer.RowGroups[group];
            try
            {
                block.Decode(group);
            }
            catch (Exception e) when (e is InvalidDataException or IOException or ZstdSharp.ZstdException or KeyNotFoundException or IndexOutOfRangeException)
            {
                damage.Add($"row group {group} (traces {info.FirstTrace}-{info.FirstTrace + info.TraceCount - 1}, {info.RowCount} spans): {e.Message}");
            }
        }
        var sectionCount = footer.Sections?.Length ?? 0;
        var contents = string.Create(CultureInfo.InvariantCulture,
            $"block format {footer.FormatVersion}{(block.Key is { } key ? $", sealed with key \"{key.Id}\"" : "")}{(footer.FormatVersion < 3 ? " (no chunk checksums: row groups checked by decoding)" : "")}, " +
            $"{footer.RowGroups.Length} row groups, {block.TraceCount} traces, {block.SpanCount} spans{(sectionCount > 0 ? $", {sectionCount} footer sections" : "")}");
        return (new CheckedFile(Relative(directory, path), contents, damage), block);
    }

    private static CheckedFile CheckRollup(string directory, string path, Dictionary<string, BlockReader> blocks, StoreKeyRing keys)
    {
        var name = Path.GetFileName(path);
        var stem = name[..name.IndexOf('.', StringComparison.Ordinal)];
        RollupSidecar sidecar;
        try
        {
            sidecar = RollupSidecar.Read(path, keys);
        }
        catch (StoreKeyException e)
        {
            return new CheckedFile(Relative(directory, path), "a sealed rollup sidecar", [$"{e.Message}: not checked (give its key)"]);
        }
        catch (Exception e) when (e is InvalidDataException or IOException)
        {
            return new CheckedFile(Relative(directory, path), "a rollup sidecar", [$"{e.Message}: ignored, deleted and rebuilt when the store opens"]);
        }
        var contents = string.Create(CultureInfo.InvariantCulture, $"rollup {sidecar.RollupId} of {sidecar.OwnedTraces} traces");
        if (!blocks.TryGetValue(stem, out var block))
            return new CheckedFile(Relative(directory, path), contents, ["its block is missing or unreadable: deleted when the store opens"]);
        if (sidecar.BlockFileSize != block.FileSize || sidecar.BlockTraces != block.TraceCount)
            return new CheckedFile(Relative(directory, path), contents, ["built for another block of that name: deleted and rebuilt when the store opens"]);
        return new CheckedFile(Relative(directory, path), contents, []);
    }

    private static CheckedFile CheckSegment(string directory, string path, StoreKeyRing keys)
    {
        var length = new FileInfo(path).Length;
        int records = 0, undecodable = 0;
        var keyProblems = new SortedSet<string>(StringComparer.Ordinal);
        var scan = WalSegmentReader.ReadFrames(path, (codec, payload) =>
        {
            try
            {
                WalCodec.Decode(codec, payload, keys, $"WAL segment {Path.GetFileName(path)}");
                records++;
            }
            catch (StoreKeyException e)
            {
                keyProblems.Add($"{e.Message}: those records are not checked (give the key)");
            }
            catch (Exception e) when (e is InvalidDataException or IOException)
            {
                undecodable++;
            }
        });
        var damage = new List<string>(keyProblems);
        if (scan.SkippedRegions > 0)
            damage.Add(string.Create(CultureInfo.InvariantCulture,
                $"{scan.SkippedRegions} damaged stretches ({scan.SkippedBytes} bytes) between valid records: skipped at replay"));
        if (undecodable > 0)
            damage.Add(string.Create(CultureInfo.InvariantCulture, $"{undecodable} records that pass their checksum but do not decompress: skipped at replay"));
        if (scan.ValidEnd < length)
            damage.Add(string.Create(CultureInfo.InvariantCulture,
                $"{length - scan.ValidEnd} bytes after offset {scan.ValidEnd} are torn or damaged (a write cut by a crash, or damage): truncated at replay"));
        return new CheckedFile(Relative(directory, path), string.Create(CultureInfo.InvariantCulture, $"WAL segment, {records} records"), damage);
    }

    private static IEnumerable<string> Files(string folder, string pattern) =>
        Directory.Exists(folder) ? Directory.EnumerateFiles(folder, pattern).Order(StringComparer.Ordinal) : [];

    private static string Relative(string directory, string path) => Path.GetRelativePath(directory, path);
}
