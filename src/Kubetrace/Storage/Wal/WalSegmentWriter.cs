namespace Kubetrace.Storage.Wal;

/// <summary>The open segment: appends a group of frames and fsyncs; on failure rolls the file back.</summary>
internal sealed class WalSegmentWriter : IDisposable
{
    private readonly FileStream _stream;

    public WalSegmentWriter(string path, long sequence)
    {
        Path = path;
        Sequence = sequence;
        _stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.Write, FileShare.Read, 0);
        _stream.Seek(0, SeekOrigin.End);
        Length = _stream.Length;
    }

    public string Path { get; }
    public long Sequence { get; }
    public long Length { get; private set; }

    /// <summary>Writes the frames and makes them durable. On an I/O error (e.g. disk full) the segment is cut back
    /// to its last durable length so that no partial frame stays behind, and the error is rethrown.</summary>
    public void AppendDurably(ReadOnlySpan<byte> frames)
    {
        try
        {
            _stream.Write(frames);
            _stream.Flush(flushToDisk: true);
            Length += frames.Length;
        }
        catch (IOException)
        {
            TryRollBack();
            throw;
        }
    }

    private void TryRollBack()
    {
        try
        {
            _stream.SetLength(Length);
            _stream.Seek(Length, SeekOrigin.Begin);
        }
        catch (IOException)
        {
            // Replay stops at the first torn frame, so a partial tail is harmless even if it stays.
        }
    }

    public void Dispose() => _stream.Dispose();
}
