using System.Diagnostics;

namespace Kubetrace.Tests.Hygiene;

/// <summary>
/// A killed test run leaves no server behind (issue 18). A CI timeout or a hang dump SIGKILLs the test process, and
/// then no exit handler runs: the clickhouse-server and <c>kubetrace serve</c> processes it started must end by
/// themselves (<see cref="OwnedProcess"/>).
/// </summary>
public sealed class KilledTestRunTests
{
    [RequiresClickHouseFact]
    public async Task A_SIGKILLed_test_process_takes_its_clickhouse_server_and_folder_with_it()
    {
        await using var testProcess = await TestHost.StartAsync(TestHostProgram.ClickHouseOwner);
        var (serverPid, folder) = testProcess.Started;
        try
        {
            Assert.True(IsRunning(serverPid, "clickhouse-server"), $"pid {serverPid} is a running clickhouse-server before the kill ({Describe(serverPid)})");
            Assert.True(Directory.Exists(folder));

            await testProcess.KillAsync();

            await Wait.UntilAsync(() => !IsRunning(serverPid, "clickhouse-server"), $"the clickhouse-server (pid {serverPid}) of the SIGKILLed test process is gone");
            await Wait.UntilAsync(() => !Directory.Exists(folder), $"its folder {folder} is removed");
        }
        finally
        {
            if (IsRunning(serverPid, "clickhouse-server")) Process.GetProcessById(serverPid).Kill(); // the test failed: leave nothing behind
        }
    }

    [Fact]
    public async Task A_SIGKILLed_test_process_takes_its_kubetrace_serve_with_it()
    {
        using var folder = new TempDirectory();
        await using var testProcess = await TestHost.StartAsync(TestHostProgram.KubetraceOwner, folder.Path);
        var (serverPid, _) = testProcess.Started;
        try
        {
            // The id KubetraceProcess reports is the server's own (run in place), not a wrapper's.
            Assert.True(IsRunning(serverPid, "kubetrace.dll"), $"pid {serverPid} is a running kubetrace serve before the kill ({Describe(serverPid)})");

            await testProcess.KillAsync();

            await Wait.UntilAsync(() => !IsRunning(serverPid, "kubetrace.dll"), $"the kubetrace serve (pid {serverPid}) of the SIGKILLed test process is gone");
        }
        finally
        {
            if (IsRunning(serverPid, "kubetrace.dll")) Process.GetProcessById(serverPid).Kill(); // the test failed: leave nothing behind
        }
    }

    /// <summary>The test assembly run as a program that starts a server as the tests do and prints "PID FOLDER".</summary>
    private sealed class TestHost : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly CapturedOutput _output = new();
        private readonly CapturedOutput _errors = new();

        private TestHost(Process process) => _process = process;

        public (int Pid, string Folder) Started { get; private set; }

        public static async Task<TestHost> StartAsync(params string[] args)
        {
            var start = new ProcessStartInfo(RepoPaths.DotnetHost, ["exec", RepoPaths.TestAssembly, .. args])
            {
                RedirectStandardOutput = true, RedirectStandardError = true,
            };
            var host = new TestHost(new Process { StartInfo = start });
            host._process.OutputDataReceived += (_, e) => host._output.Append(e.Data);
            host._process.ErrorDataReceived += (_, e) => host._errors.Append(e.Data);
            host._process.Start();
            host._process.BeginOutputReadLine();
            host._process.BeginErrorReadLine();
            await Wait.UntilAsync(() => host._output.Text.Contains('\n') || host._process.HasExited, $"the test process ({args[0]}) has started its server");
            var started = host._output.Text.Split('\n')[0].Trim().Split(' ');
            Assert.True(started.Length == 2, $"the test process started no server: {host._output.Text}{host._errors.Text}");
            host.Started = (int.Parse(started[0], System.Globalization.CultureInfo.InvariantCulture), started[1]);
            return host;
        }

        /// <summary>SIGKILL, as a CI timeout or a hang dump ends a test run: no exit handler runs.</summary>
        public async Task KillAsync()
        {
            ProcessSignals.KillNow(_process);
            await _process.WaitForExitAsync();
        }

        public async ValueTask DisposeAsync()
        {
            if (!_process.HasExited) await KillAsync();
            _process.Dispose();
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

    /// <summary>Whether <paramref name="pid"/> is a live process whose command line names <paramref name="program"/> (a reaped or reused pid is not).</summary>
    private static bool IsRunning(int pid, string program)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Contains(program, StringComparison.Ordinal);
        }
        catch (IOException)
        {
            return false;
        }
    }
}
