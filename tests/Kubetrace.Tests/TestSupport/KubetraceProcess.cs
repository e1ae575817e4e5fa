using System.Diagnostics;
using System.Net.Sockets;

namespace Kubetrace.Tests.TestSupport;

/// <summary>
/// A real <c>kubetrace serve --config FILE</c> running as a child process, as an operator would run it: started
/// from the built kubetrace.dll, considered up when it logs that every component started and its ports accept
/// connections, stopped with SIGTERM. (The in-process counterpart is <see cref="ServiceTestHost"/>.)
/// </summary>
internal sealed class KubetraceProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(30);

    private readonly Process _process;
    private readonly CapturedOutput _stdout = new();
    private readonly CapturedOutput _stderr = new();

    private KubetraceProcess(Process process) => _process = process;

    public string Stdout => _stdout.Text;
    public string Stderr => _stderr.Text;
    public bool HasExited => _process.HasExited;

    /// <summary>The server's process ID (for reading its memory from /proc): the command's own, run in place (<see cref="OwnedProcess.RunInPlace"/>).</summary>
    public int Id => _process.Id;

    /// <summary>Peak resident set size so far (VmHWM from /proc), in bytes; 0 where /proc is not available.</summary>
    public long PeakResidentBytes()
    {
        try
        {
            var line = File.ReadLines($"/proc/{_process.Id}/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
            return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) * 1024;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    /// <summary>Starts <c>kubetrace serve --config configPath</c> and waits until every port accepts connections.</summary>
    /// <param name="environment">More environment variables for the process (e.g. <c>DOTNET_GCHeapHardLimit</c>).</param>
    public static async Task<KubetraceProcess> StartAsync(string configPath, IReadOnlyList<(string Host, int Port)> readyWhenListening,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        if (!File.Exists(RepoPaths.KubetraceDll))
            throw new FileNotFoundException("kubetrace.dll is not next to the test assembly; build the solution first.", RepoPaths.KubetraceDll);

        var start = new ProcessStartInfo(RepoPaths.DotnetHost, ["exec", RepoPaths.KubetraceDll, "serve", "--config", configPath])
        {
            WorkingDirectory = Path.GetDirectoryName(configPath)!,
        };
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) start.Environment[name] = value;
        return await StartAsync(start, readyWhenListening);
    }

    /// <summary>
    /// Starts <c>kubetrace serve</c> on <paramref name="portCount"/> fresh loopback ports: writes the config
    /// <paramref name="yaml"/> makes of them to <paramref name="configPath"/> and waits until every one of them accepts
    /// connections; when a port was taken before the server bound it, chooses new ports and starts again
    /// (<see cref="FreePorts.StartOnFreshAsync{T}"/>). The ports are the process's <see cref="Ports"/>, in that order;
    /// a config that would listen on any other port fails first (<see cref="FreePorts.AssertNoFixedPort"/>).
    /// </summary>
    public static Task<KubetraceProcess> ServeAsync(string configPath, int portCount, Func<int[], string> yaml,
        IReadOnlyDictionary<string, string>? environment = null) =>
        FreePorts.StartOnFreshAsync(portCount, async ports =>
        {
            var text = yaml(ports);
            FreePorts.AssertNoFixedPort(ServiceTestHost.Load(text, Kubetrace.Config.ComponentCatalog.Default));
            await File.WriteAllTextAsync(configPath, text);
            var server = await StartAsync(configPath, [.. ports.Select(port => ("127.0.0.1", port))], environment);
            server.Ports = ports;
            return server;
        });

    /// <summary>The ports <see cref="ServeAsync"/> chose for the server, in the order its config was given them.</summary>
    public int[] Ports { get; private set; } = [];

    /// <summary>
    /// Runs a command that ends by itself (<c>kubetrace store reencrypt ...</c>) as a child process, with more
    /// environment variables, and waits for its exit; the exited process is returned for its code and output.
    /// </summary>
    public static async Task<KubetraceProcess> RunToExitAsync(string[] args, IReadOnlyDictionary<string, string> environment,
        TimeSpan timeout)
    {
        var start = new ProcessStartInfo(RepoPaths.DotnetHost, ["exec", RepoPaths.KubetraceDll, .. args]);
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        foreach (var (name, value) in environment) start.Environment[name] = value;
        var run = Launch(start);
        var process = run._process;
        using var waited = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(waited.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            var described = run.Describe();
            process.Dispose();
            throw new TimeoutException($"kubetrace {string.Join(' ', args)} did not exit within {timeout.TotalSeconds} s.\n{described}");
        }
        return run;
    }

    /// <summary>The exit code of a process that has exited.</summary>
    public int ExitCode => _process.ExitCode;

    /// <summary>
    /// Starts another command that runs <c>kubetrace serve</c> (the image's binary under <c>chroot</c>) and waits as
    /// <see cref="StartAsync(string, IReadOnlyList{ValueTuple{string, int}}, IReadOnlyDictionary{string, string}?)"/> does.
    /// </summary>
    public static Task<KubetraceProcess> StartCommandAsync(string file, IEnumerable<string> args, IReadOnlyList<(string Host, int Port)> readyWhenListening) =>
        StartAsync(new ProcessStartInfo(file, args), readyWhenListening);

    private static async Task<KubetraceProcess> StartAsync(ProcessStartInfo start, IReadOnlyList<(string Host, int Port)> readyWhenListening)
    {
        var server = Launch(start);
        try
        {
            await server.WaitUntilListeningAsync(readyWhenListening);
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
        return server;
    }

    /// <summary>Starts the process with its output captured.</summary>
    private static KubetraceProcess Launch(ProcessStartInfo start)
    {
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        OwnedProcess.RunInPlace(start); // a SIGKILLed test run must not leave the process running
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var launched = new KubetraceProcess(process);
        process.OutputDataReceived += (_, e) => launched._stdout.Append(e.Data);
        process.ErrorDataReceived += (_, e) => launched._stderr.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return launched;
    }

    /// <summary>Waits until the health_check extension answers 200 (every pipeline started).</summary>
    public async Task WaitUntilHealthyAsync(Uri healthUrl)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var last = "no answer";
        var healthy = false;
        await Wait.HoldsWithinAsync(async () =>
        {
            try
            {
                using var response = await http.GetAsync(healthUrl);
                healthy = response.IsSuccessStatusCode;
                last = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                last = e.Message;
            }
            return healthy || _process.HasExited;
        }, StartTimeout);
        if (healthy) return;
        throw new TimeoutException($"kubetrace was not healthy at {healthUrl} (last: {last}).\n{Describe()}");
    }

    /// <summary>Sends SIGTERM and waits for the exit; the exit code is returned, a hang is an exception.</summary>
    public async Task<int> StopAsync()
    {
        if (!_process.HasExited) ProcessSignals.Terminate(_process);
        using var timeout = new CancellationTokenSource(StopTimeout);
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            throw new TimeoutException($"kubetrace did not exit within {StopTimeout.TotalSeconds}s of SIGTERM.\n{Describe()}");
        }
        return _process.ExitCode;
    }

    /// <summary>Sends SIGKILL (a crash: no shutdown code runs) and waits until the process is gone.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited) ProcessSignals.KillNow(_process);
        using var timeout = new CancellationTokenSource(StopTimeout);
        await _process.WaitForExitAsync(timeout.Token);
    }

    /// <summary>
    /// SIGTERM, then SIGKILL if the process has not exited within <paramref name="grace"/>: Kubernetes ending a pod
    /// whose grace period runs out in the middle of its shutdown.
    /// </summary>
    public async Task TerminateThenKillAsync(TimeSpan grace)
    {
        if (!_process.HasExited) ProcessSignals.Terminate(_process);
        using (var waited = new CancellationTokenSource(grace))
        {
            try { await _process.WaitForExitAsync(waited.Token); }
            catch (OperationCanceledException) { /* still shutting down: cut it short */ }
        }
        await KillAsync();
    }

    /// <summary>Stops with SIGTERM and asserts a clean exit (code 0), as a graceful shutdown must end.</summary>
    public async Task StopCleanlyAsync()
    {
        var exitCode = await StopAsync();
        Assert.True(exitCode == 0, $"kubetrace exited with code {exitCode} after SIGTERM.\n{Describe()}");
    }

    /// <summary>Polls stdout until it satisfies the condition (output is written asynchronously by exporters).</summary>
    public Task<bool> WaitForStdoutAsync(Func<string, bool> condition, TimeSpan timeout) =>
        WaitForOutputAsync(() => Stdout, condition, timeout);

    /// <summary>Polls the log (stderr, where the console logger writes) until it contains <paramref name="text"/>.</summary>
    public Task<bool> WaitForLogAsync(string text, TimeSpan timeout) =>
        WaitForOutputAsync(() => Stderr, log => log.Contains(text, StringComparison.Ordinal), timeout);

    /// <summary>Polls until the condition holds, the timeout passes or the process exits (its output is then final).</summary>
    private async Task<bool> WaitForOutputAsync(Func<string> output, Func<string, bool> condition, TimeSpan timeout)
    {
        await Wait.HoldsWithinAsync(() => condition(output()) || _process.HasExited, timeout);
        return condition(output());
    }

    /// <summary>
    /// The process state and its whole output, for the message about an unexpected answer or outcome: stops the process
    /// first (SIGTERM, so the console logger writes out its queue; SIGKILL if it has not exited within the stop timeout)
    /// and reads its output to the end. <see cref="Describe"/> on a running server shows only what the logger has
    /// written so far, which may not yet hold the line that explains the answer (a 500 in CompressedAmplificationTests
    /// once came with a log that did not say why). The process is stopped: call it only when the test fails.
    /// </summary>
    private async Task<string> StopAndDescribeAsync()
    {
        if (!_process.HasExited) await TerminateThenKillAsync(StopTimeout);
        await _process.WaitForExitAsync(); // and the end of its redirected output
        return Describe();
    }

    /// <summary>The test failure to throw for an unexpected answer or outcome: <paramref name="message"/> and the process's
    /// whole output (<see cref="StopAndDescribeAsync"/>), as in <c>throw await server.FailureAsync("...")</c>.</summary>
    public async Task<Exception> FailureAsync(string message) => new Xunit.Sdk.XunitException($"{message}\n{await StopAndDescribeAsync()}");

    /// <summary>The process state and its output so far, for assertion messages (a running process's log may lag:
    /// <see cref="StopAndDescribeAsync"/>).</summary>
    public string Describe() =>
        $"--- exited: {(_process.HasExited ? _process.ExitCode.ToString() : "no")}\n" +
        $"--- stdout:\n{Stdout}--- stderr:\n{Stderr}---";

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            // Only reached when a test failed before stopping the server: do not leave it running.
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }

    /// <summary>
    /// Waits for the service's own word that every component started (so every port is bound by this process: a
    /// port that another process holds accepts connections too), then checks that the ports accept connections.
    /// A process that exits first (a port taken before it bound it) fails with its output.
    /// </summary>
    private async Task WaitUntilListeningAsync(IReadOnlyList<(string Host, int Port)> endpoints)
    {
        if (!await WaitForLogAsync(ReadyLine, StartTimeout))
        {
            if (_process.HasExited) await _process.WaitForExitAsync(); // its last output read, for the message
            throw new InvalidOperationException(
                $"kubetrace {(_process.HasExited ? "exited" : $"was not ready within {StartTimeout.TotalSeconds} s")} before logging \"{ReadyLine}\".\n{Describe()}");
        }
        foreach (var (host, port) in endpoints)
        {
            if (!await Wait.HoldsWithinAsync(() => AcceptsConnectionAsync(host, port), StartTimeout))
                throw new TimeoutException($"kubetrace was ready but did not accept connections on {host}:{port}.\n{Describe()}");
        }
    }

    /// <summary>What <c>KubetraceService</c> logs once every component started.</summary>
    private const string ReadyLine = "Everything is ready";

    private static async Task<bool> AcceptsConnectionAsync(string host, int port)
    {
        using var client = new TcpClient();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        try
        {
            await client.ConnectAsync(host, port, timeout.Token);
            return true;
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            return false;
        }
    }
}
