using System.Diagnostics;

namespace Kubetrace.Tests.Hygiene;

/// <summary>
/// A killed test run leaves no clickhouse-server behind (issue 18). A CI timeout or a hang dump SIGKILLs the test
/// process, and then no exit handler runs: the servers it started must end by themselves (<see cref="OwnedProcess"/>).
/// </summary>
public sealed class KilledTestRunTests
{
    [RequiresClickHouseFact]
    public async Task A_SIGKILLed_test_process_takes_its_clickhouse_server_and_folder_with_it()
    {
        // The test assembly as a program starts a server as the tests do and prints "PID FOLDER" once it answers.
        var start = new ProcessStartInfo(RepoPaths.DotnetHost, ["exec", RepoPaths.TestAssembly, TestHostProgram.ClickHouseOwner])
        {
            RedirectStandardOutput = true, RedirectStandardError = true,
        };
        using var testProcess = new Process { StartInfo = start };
        var output = new CapturedOutput();
        var errors = new CapturedOutput();
        testProcess.OutputDataReceived += (_, e) => output.Append(e.Data);
        testProcess.ErrorDataReceived += (_, e) => errors.Append(e.Data);
        testProcess.Start();
        testProcess.BeginOutputReadLine();
        testProcess.BeginErrorReadLine();
        await Wait.UntilAsync(() => output.Text.Contains('\n') || testProcess.HasExited, "the test process has started its clickhouse-server");
        var started = output.Text.Split('\n')[0].Trim();
        Assert.True(started.Contains(' '), $"the test process started no server: {errors.Text}");
        var serverPid = int.Parse(started.Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
        var folder = started.Split(' ')[1];
        try
        {
            Assert.True(IsClickHouseServer(serverPid), $"pid {serverPid} is a running clickhouse-server before the kill ({Describe(serverPid)})");
            Assert.True(Directory.Exists(folder));

            ProcessSignals.KillNow(testProcess);
            await testProcess.WaitForExitAsync();

            await Wait.UntilAsync(() => !IsClickHouseServer(serverPid), $"the clickhouse-server (pid {serverPid}) of the SIGKILLed test process is gone");
            await Wait.UntilAsync(() => !Directory.Exists(folder), $"its folder {folder} is removed");
        }
        finally
        {
            if (IsClickHouseServer(serverPid)) Process.GetProcessById(serverPid).Kill(); // the test failed: leave nothing behind
        }
    }

    private static string Describe(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ');
        }
        catch (Exception e)
        {
            return e.GetType().Name + ": " + e.Message;
        }
    }

    /// <summary>Whether <paramref name="pid"/> is a live clickhouse-server (a reaped or reused pid is not).</summary>
    private static bool IsClickHouseServer(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Contains("clickhouse-server", StringComparison.Ordinal);
        }
        catch (IOException)
        {
            return false;
        }
    }
}
