using System.Diagnostics;

namespace Kubetrace.Tests.EndToEnd.Harness;

/// <summary>
/// A small tmpfs mounted on a folder (<c>mount -t tmpfs -o size=16m tmpfs DIR</c>): a disk that really fills up,
/// with ENOSPC from the kernel. Needs root (CAP_SYS_ADMIN). Unmounted on dispose, lazily if a process still
/// holds a file there, so a failed test leaves no mount behind.
/// </summary>
internal sealed class TmpfsMount : IDisposable
{
    private TmpfsMount(string path) => Path = path;

    public string Path { get; }

    /// <summary>Why this machine cannot mount a tmpfs, or null when it can (probed once with a 1 MiB mount).</summary>
    public static string? Unavailable => Probe.Value;

    private static readonly Lazy<string?> Probe = new(() =>
    {
        var folder = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "kubetrace-tmpfs-probe-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(folder);
        try
        {
            var failure = Run("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", folder);
            if (failure is null) Run("umount", folder);
            return failure;
        }
        finally
        {
            try { Directory.Delete(folder); } catch (IOException) { /* still mounted: left in the temporary folder */ }
        }
    });

    /// <summary>Mounts a tmpfs of <paramref name="size"/> (e.g. <c>16m</c>) on <paramref name="path"/>, creating it.</summary>
    public static TmpfsMount Create(string path, string size)
    {
        Directory.CreateDirectory(path);
        if (Run("mount", "-t", "tmpfs", "-o", $"size={size}", "tmpfs", path) is { } failure)
            throw new InvalidOperationException($"cannot mount a tmpfs on {path}: {failure}");
        return new TmpfsMount(path);
    }

    /// <summary>
    /// Writes zeros into <c>filler</c> until the kernel says the disk is full (ENOSPC); returns the file's path.
    /// </summary>
    public string Fill()
    {
        var filler = System.IO.Path.Combine(Path, "filler");
        var chunk = new byte[64 * 1024];
        using var stream = new FileStream(filler, FileMode.Create, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete, 0);
        try
        {
            while (true) stream.Write(chunk);
        }
        catch (IOException)
        {
            // Full: what fit was written (a write(2) fills up to the last free page before it fails).
        }
        return filler;
    }

    public void Dispose()
    {
        if (Run("umount", Path) is not null) Run("umount", "-l", Path);
    }

    /// <summary>Runs a command; null when it exits with 0, else its exit code and error output.</summary>
    private static string? Run(string command, params string[] arguments)
    {
        var start = new ProcessStartInfo(command, arguments) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        try
        {
            using var process = Process.Start(start)!;
            var error = process.StandardError.ReadToEnd();
            process.WaitForExit();
            return process.ExitCode == 0 ? null : $"`{command} {string.Join(' ', arguments)}` exited with {process.ExitCode}: {error.Trim()}";
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return $"`{command}` cannot run: {e.Message}";
        }
    }
}
