using System.Diagnostics;

namespace Kubetrace.Tests.TestSupport;

/// <summary>
/// Starts a long-lived helper process (a clickhouse-server, a <c>kubetrace serve</c>) that ends with the test process, however the test
/// process ends. Exit handlers do not run when a test run is SIGKILLed (a CI timeout, a hang dump), and
/// <c>prctl(PR_SET_PDEATHSIG)</c> cannot be set for a child of <see cref="Process.Start()"/>; so the command runs under
/// a small shell watchdog whose standard input is a pipe only the test process writes to. The kernel closes that
/// pipe when the test process ends, the watchdog reads end-of-file, kills the command and removes its folder.
/// </summary>
internal static class OwnedProcess
{
    /// <summary>Written into the folder by the watchdog: the command's own process id (the watchdog is its parent).</summary>
    public const string PidFile = "owned.pid";

    // $1 the folder, the rest the command. fd 3 carries the pipe to the background reader: a background list's
    // standard input is /dev/null in sh unless redirected explicitly. The watchdog exits with the command's status
    // when the command ends by itself, so a caller still sees a server that failed to start.
    private const string Watchdog = """
        folder=$1; shift
        exec 3<&0
        "$@" </dev/null 3<&- &
        child=$!
        echo "$child" > "$folder/owned.pid"
        { while read -r _; do :; done; : > "$folder/owner-gone"; kill -9 "$child" 2>/dev/null; } <&3 &
        watcher=$!
        wait "$child"; status=$?
        if [ -e "$folder/owner-gone" ]; then rm -rf "$folder"; else kill "$watcher" 2>/dev/null; fi
        exit $status
        """;

    /// <summary>
    /// Starts <paramref name="file"/> with <paramref name="args"/> in <paramref name="folder"/> (removed when the test
    /// process is gone). The returned process is the watchdog: stop both with <c>Kill(entireProcessTree: true)</c>.
    /// </summary>
    public static Process Start(string file, IEnumerable<string> args, string folder)
    {
        var start = new ProcessStartInfo("/bin/sh", ["-c", Watchdog, "owned-process", folder, file, .. args])
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true,
            UseShellExecute = false, WorkingDirectory = folder,
        };
        var process = Process.Start(start) ?? throw new InvalidOperationException($"{file} did not start");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    // $1 on is the command. The shell starts a reader of the test process's pipe in the background and then becomes
    // the command (exec), so the command keeps the process id the caller started, and signals the caller sends (SIGTERM,
    // SIGKILL) reach it directly. The reader ends with the command (checked each second) or, on end-of-file (the test
    // process is gone), SIGKILLs it: $$ in the reader is the shell's id, which the command took over. "The command" is
    // that id with the start time it had when the reader began (field 22 of /proc/<pid>/stat, kept across exec; read
    // after the ") " that ends the name, which may hold spaces), so a process that reuses the id after the command
    // has ended is never taken for it.
    private const string ExecWatchdog = """
        exec 3<&0
        {
          started() { s=$(cat /proc/$$/stat 2>/dev/null) && s=${s##*) } && set -- $s && echo "${20}"; }
          own=$(started)
          while [ -n "$own" ] && [ "$(started)" = "$own" ]; do
            read -r -t 1 _ <&3; status=$?
            if [ "$status" -gt 0 ] && [ "$status" -le 128 ] && [ "$(started)" = "$own" ]; then kill -9 $$ 2>/dev/null; exit 0; fi
          done
        } &
        exec "$@" </dev/null 3<&-
        """;

    /// <summary>
    /// Makes <paramref name="start"/> run its command in place under a watchdog (bash), so that the command ends with the
    /// test process however that ends. Unlike <see cref="Start"/>, the process started IS the command (same process id:
    /// signals and exit codes are its own) and reads its standard input from /dev/null: the redirected standard input
    /// is the pipe the watchdog's reader holds. Its environment and working directory are kept. For a <c>kubetrace serve</c> child that a killed test run would
    /// otherwise leave running (issue 18).
    /// </summary>
    public static void RunInPlace(ProcessStartInfo start)
    {
        var command = start.FileName;
        var args = start.ArgumentList.ToList();
        start.FileName = "/bin/bash";
        start.ArgumentList.Clear();
        foreach (var arg in (string[])["-c", ExecWatchdog, "owned-process", command, .. args]) start.ArgumentList.Add(arg);
        start.RedirectStandardInput = true;
        start.UseShellExecute = false;
    }

    /// <summary>The command's process id, once the watchdog has started it; null before.</summary>
    public static int? CommandProcessId(string folder)
    {
        try
        {
            return int.TryParse(File.ReadAllText(Path.Combine(folder, PidFile)).Trim(), out var pid) ? pid : null;
        }
        catch (IOException)
        {
            return null;
        }
    }
}
