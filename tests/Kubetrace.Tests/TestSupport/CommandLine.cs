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
    /// <summary>Long enough for a packing script on a loaded 2-core machine; a hang still ends the test.</summary>
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);

    public static async Task<CommandResult> RunAsync(string file, IEnumerable<string> args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = RepoPaths.Root };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(Timeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', start.ArgumentList)} did not end within {Timeout.TotalMinutes} min");
        }
        return new CommandResult(process.ExitCode, await output, await error);
    }

    /// <summary>The full path of <paramref name="name"/> on PATH, or null.</summary>
    public static string? Find(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, name)).FirstOrDefault(File.Exists);
}
