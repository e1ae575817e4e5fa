namespace Kubetrace.Tests.Hygiene;

/// <summary>
/// A test failure about a server's answer carries the server's whole log: its console logger writes from a queue, so
/// the line that explains an answer may come after the answer (a 500 in CompressedAmplificationTests once failed with
/// a log that did not yet say why). <see cref="KubetraceProcess.FailureAsync"/> stops the server first.
/// </summary>
public sealed class ServerFailureMessageTests
{
    [SkippableFact]
    public async Task A_failure_about_a_servers_answer_holds_its_log_to_the_last_line()
    {
        Requires.Present(OperatingSystem.IsLinux() || OperatingSystem.IsMacOS() ? null : "SIGTERM is a POSIX signal", "CI runs on Linux.");
        using var folder = new TempDirectory();
        await using var server = await KubetraceProcess.ServeAsync(folder.File("config.yaml"), 1, ports => new TestServiceConfig(ports[0])
            .Exporter("file", $"path: {folder.File("spans.jsonl")}")
            .MetricsOff().Yaml);

        var failure = await server.FailureAsync("the answer was not the one expected");

        Assert.StartsWith("the answer was not the one expected\n", failure.Message, StringComparison.Ordinal);
        // The server's last words, which it writes only as it stops: every line of its log before them is in too.
        Assert.Contains("Shutdown complete", failure.Message, StringComparison.Ordinal);
        Assert.True(server.HasExited);
    }
}
