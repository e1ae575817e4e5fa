using System.Globalization;
using Kubetrace.Storage.Encryption;
using Microsoft.Extensions.Logging;

namespace Kubetrace.Storage.Wal;

/// <summary>
/// The folder of WAL segments (<c>wal/000000000042.wal</c>). Batches are appended to the newest segment; a head
/// cut starts a new one; segments are deleted once a block holds their spans.
/// </summary>
internal sealed class WriteAheadLog : IDisposable
{
    private const string Extension = ".wal";
    private readonly string _directory;
    private readonly ILogger _logger;
    private readonly StoreKeyRing _keys;
    private WalSegmentWriter? _current;
    private long _coveredThrough;
    private long _olderKeysThrough;

    public WriteAheadLog(string directory, ILogger logger, StoreKeyRing keys)
    {
        _directory = directory;
        _logger = logger;
        _keys = keys;
        Directory.CreateDirectory(directory);
    }

    public WalSegmentWriter Current => _current ?? throw new InvalidOperationException("WAL not opened");

    public long CurrentSequence => Current.Sequence;

    /// <summary>Sequences of the segments on disk, oldest first.</summary>
    public List<long> Segments() =>
        Directory.EnumerateFiles(_directory, "*" + Extension)
            .Select(p => long.TryParse(Path.GetFileNameWithoutExtension(p), NumberStyles.None, CultureInfo.InvariantCulture, out var s) ? s : -1)
            .Where(s => s >= 0).Order().ToList();

    /// <summary>
    /// Replays every segment after <paramref name="coveredThrough"/> (older ones are already in blocks and are
    /// deleted). A damaged record is skipped and replay goes on with the next valid one (logged with its offset and
    /// size); a torn or damaged tail is cut off with a warning; replay never refuses to start.
    /// </summary>
    /// <param name="onFrame">Called with each record's OTLP bytes (decrypted, decompressed).</param>
    /// <exception cref="Encryption.StoreKeyException">A record's key is not listed or wrong: nothing of that segment
    /// is truncated or skipped, the store does not open.</exception>
    public void Replay(long coveredThrough, Action<long, ReadOnlyMemory<byte>> onFrame)
    {
        // New segments must be numbered after every segment a block covers, even when none of those files is
        // left: a segment numbered as covered would be deleted, unreplayed, at the next start.
        _coveredThrough = Math.Max(_coveredThrough, coveredThrough);
        foreach (var sequence in Segments())
        {
            var path = PathOf(sequence);
            if (sequence <= coveredThrough)
            {
                File.Delete(path);
                continue;
            }
            var length = new FileInfo(path).Length;
            var scan = WalSegmentReader.ReadFrames(path, (codec, frame) =>
            {
                ReadOnlyMemory<byte> otlp;
                try
                {
                    otlp = WalCodec.Decode(codec, frame, _keys, $"WAL segment {Path.GetFileName(path)}");
                    if (WalCodec.SealedWith(codec, frame.Span, _keys, path) != _keys.Active) _olderKeysThrough = sequence;
                }
                catch (Exception e) when (e is InvalidDataException or IOException)
                {
                    _logger.LogWarning(e, "WAL segment {Path}: skipping a record that cannot be decrypted or decompressed", path);
                    return;
                }
                onFrame(sequence, otlp);
            });
            if (scan.SkippedRegions > 0)
                _logger.LogWarning("WAL segment {Path}: skipped {Regions} damaged stretches ({Bytes} bytes) between valid records; the records after them were replayed",
                    path, scan.SkippedRegions, scan.SkippedBytes);
            var valid = scan.ValidEnd;
            if (valid < length)
            {
                _logger.LogWarning("WAL segment {Path}: {Bytes} bytes after offset {Offset} are torn or corrupt; truncating them",
                    path, length - valid, valid);
                using var stream = new FileStream(path, FileMode.Open, FileAccess.Write);
                stream.SetLength(valid);
                stream.Flush(flushToDisk: true);
            }
        }
    }

    /// <summary>
    /// Replayed segments still on disk that hold a record sealed with another key than the newest (a key rotation):
    /// they go, as every segment, once the head they were replayed into is written as a block.
    /// </summary>
    public int SegmentsUnderOlderKeys() => _olderKeysThrough == 0 ? 0 : Segments().Count(s => s <= _olderKeysThrough);

    /// <summary>Closes the current segment (if any) and opens the next one; returns its sequence.</summary>
    public long StartNewSegment()
    {
        var next = Math.Max(Math.Max(_current?.Sequence ?? 0, _coveredThrough), Segments().DefaultIfEmpty(0).Max()) + 1;
        _current?.Dispose();
        _current = new WalSegmentWriter(PathOf(next), next);
        SyncDirectory();
        return next;
    }

    /// <summary>Deletes the segments in [first, last] (their spans are in a durable block now).</summary>
    public void Delete(long first, long last)
    {
        foreach (var sequence in Segments())
            if (sequence >= first && sequence <= last && sequence != _current?.Sequence)
                File.Delete(PathOf(sequence));
    }

    /// <summary>Bytes of the segments on disk (a segment deleted meanwhile counts as 0).</summary>
    public long TotalBytes() =>
        new DirectoryInfo(_directory).EnumerateFiles("*" + Extension).Sum(f =>
        {
            try { return f.Length; }
            catch (FileNotFoundException) { return 0; }
        });

    public void Dispose() => _current?.Dispose();

    private string PathOf(long sequence) =>
        Path.Combine(_directory, sequence.ToString("D12", CultureInfo.InvariantCulture) + Extension);

    private void SyncDirectory() => DirectorySync.Sync(_directory);
}
