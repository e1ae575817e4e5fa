using System.Globalization;

namespace Kubetrace.Exporters.File;

/// <summary>
/// An append-only file that rolls over to a timestamped backup (<c>name-2026-11-25T19-22-05.123.ext</c>, as the
/// Collector's lumberjack names them) before a write would take it past the size limit, and prunes old backups.
/// Not thread-safe: the owner serializes calls.
/// </summary>
internal sealed class RotatingFile : IDisposable
{
    private const string StampFormat = "yyyy-MM-ddTHH-mm-ss.fff";
    private readonly string _path;
    private readonly RotationConfig? _rotation;
    private readonly TimeProvider _time;
    private FileStream _stream;

    public RotatingFile(string path, RotationConfig? rotation, TimeProvider time)
    {
        _path = System.IO.Path.GetFullPath(path);
        _rotation = rotation;
        _time = time;
        var directory = System.IO.Path.GetDirectoryName(_path);
        if (!string.IsNullOrEmpty(directory)) Directory.CreateDirectory(directory);
        _stream = Open();
    }

    public void Append(ReadOnlySpan<byte> record)
    {
        if (_rotation is { } rotation && _stream.Length > 0 &&
            _stream.Length + record.Length > rotation.MaxMegabytes * 1024L * 1024L)
            Rotate(rotation);
        _stream.Write(record);
    }

    /// <summary>Pushes buffered bytes to the operating system (a crash of the process then loses nothing).</summary>
    public void Flush() => _stream.Flush();

    public void Dispose() => _stream.Dispose();

    private FileStream Open() =>
        new(_path, FileMode.Append, FileAccess.Write, FileShare.Read, bufferSize: 64 * 1024);

    private void Rotate(RotationConfig rotation)
    {
        _stream.Dispose();
        System.IO.File.Move(_path, BackupName(rotation));
        _stream = Open();
        PruneBackups(rotation);
    }

    private string BackupName(RotationConfig rotation)
    {
        var now = _time.GetUtcNow();
        var stamp = (rotation.Localtime ? now.ToLocalTime() : now).ToString(StampFormat, CultureInfo.InvariantCulture);
        var candidate = Backup(stamp);
        // Two rotations within a millisecond (tiny limits, big batches) must not overwrite each other.
        for (var n = 1; System.IO.File.Exists(candidate); n++) candidate = Backup($"{stamp}-{n}");
        return candidate;
    }

    private string Backup(string stamp) =>
        System.IO.Path.Combine(System.IO.Path.GetDirectoryName(_path)!,
            $"{System.IO.Path.GetFileNameWithoutExtension(_path)}-{stamp}{System.IO.Path.GetExtension(_path)}");

    private void PruneBackups(RotationConfig rotation)
    {
        var directory = new DirectoryInfo(System.IO.Path.GetDirectoryName(_path)!);
        var pattern = $"{System.IO.Path.GetFileNameWithoutExtension(_path)}-*{System.IO.Path.GetExtension(_path)}";
        var backups = directory.GetFiles(pattern).OrderByDescending(f => f.Name, StringComparer.Ordinal).ToList();
        var oldest = _time.GetUtcNow().AddDays(-rotation.MaxDays);
        for (var i = 0; i < backups.Count; i++)
        {
            var tooMany = rotation.MaxBackups > 0 && i >= rotation.MaxBackups;
            var tooOld = rotation.MaxDays > 0 && backups[i].LastWriteTimeUtc < oldest.UtcDateTime;
            if (tooMany || tooOld) backups[i].Delete();
        }
    }
}
