using System.Diagnostics;

namespace Kubetrace.Tests.TestSupport;

/// <summary>The outcome of a command a test ran: its exit code and what it wrote.</summary>
internal sealed record CommandResult(int Code, string Stdout, string Stderr)
{
    /// <summary>Both streams, for failure messages and for commands that mix them.</summary>
    public string Output => Stdout + Stderr;
}

/// <summary>Runs a command to its end in the repository's root (a script, a tool the test needs), capturing its output.</summary>
internal static class CommandLine
{
    public static async Task<CommandResult> RunAsync(string file, IEnumerable<string> args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = RepoPaths.Root };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        // No deadline of its own: a packing script on a loaded machine takes minutes; a hang meets the suite's hang timeout.
        await process.WaitForExitAsync();
        return new CommandResult(process.ExitCode, await output, await error);
    }

    /// <summary>The full path of <paramref name="name"/> on PATH, or null.</summary>
    public static string? Find(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, name)).FirstOrDefault(File.Exists);
}
