using System.Diagnostics;
using System.Globalization;
using Kubetrace.Analysis;
using Kubetrace.Bench;
using Kubetrace.Cli.Layout;
using Kubetrace.Cli.Query;
using Kubetrace.Config;
using Kubetrace.Kubernetes.Simulation;
using Kubetrace.Service;
using Spectre.Console;

namespace Kubetrace.Cli.Demo;

/// <summary>
/// <c>kubetrace demo</c> from start to end: start the server, fill it with simulated cluster traffic that has known
/// problems planted, ask the analyses what is slow (through the query API, as <c>kubetrace analyze</c> does), show
/// what they found next to what was planted, say where to look, then keep the cluster "running" until Ctrl+C.
/// </summary>
internal sealed class DemoRun(DemoOptions options, IAnsiConsole console, TextWriter output, PhaseProgress progress)
{
    /// <summary>The analyses the demo summarises, each answering one operator question.</summary>
    private static readonly (string Analysis, string Question)[] Questions =
    [
        ("apiserver", "Where does apiserver latency go?"),
        ("webhooks", "Which admission webhook adds latency?"),
        ("etcd", "Is etcd slow, and for what?"),
        ("pods", "Why are pods slow to start?"),
    ];

    private const int RowsPerFinding = 3;

    /// <summary>Live traffic after the summary: a gentle rate, so the store stays small.</summary>
    private const double LiveRequestsPerSecond = 5;

    public async Task<int> RunAsync(CancellationToken stop)
    {
        var clock = Stopwatch.StartNew();
        var dataPath = options.DataPath ?? Path.Combine(Path.GetTempPath(), $"kubetrace-demo-{Environment.ProcessId}");
        try
        {
            using var loggerFactory = ServiceLogging.Create(new TelemetryLogsConfig { Level = TelemetryLogLevel.Warn });
            await using var service = await DemoServer.StartAsync(options, dataPath, loggerFactory, stop);
            console.MarkupLine($"[bold]Kubetrace is running[/] (data in {Markup.Escape(dataPath)})");

            var simulator = new ClusterSimulator(new SimulationOptions
            {
                RequestsPerSecond = options.RequestsPerSecond,
                Duration = options.Backfill,
                Start = DateTimeOffset.UtcNow - options.Backfill,
                Scenarios = options.Scenarios,
                Seed = options.Seed,
            });
            Say($"Simulating the last {Minutes(options.Backfill)} of a cluster at {options.RequestsPerSecond} apiserver requests/s " +
                $"with problems planted ({string.Join(", ", SimulationScenarios.ToNames(options.Scenarios))})...");
            var grpc = new Uri($"http://{options.Host}:{options.OtlpGrpcPort}");
            var sending = new SimulationSendProgress();
            // Minutes of backfill print nothing otherwise: a bar on a terminal, a line each --progress-interval elsewhere.
            var sent = await progress.ShowAsync("backfill", () => SimulationProgress.Reading(sending, simulator),
                SimulationSender.SendAsync(simulator, new SimulationSendOptions { Endpoint = grpc, Progress = sending }, stop));
            if (sent.FailedBatches > 0)
            {
                console.MarkupLine($"[red]The server refused simulated traffic:[/] {Markup.Escape(sent.FirstError ?? "")}");
                return ExitCodes.Failure;
            }
            console.WriteLine();
            SimulationSummary.Write(output, simulator.Report, sent, grpc, console.Profile.Width);
            console.WriteLine();

            await ShowFindingsAsync(stop);
            ShowWhereToLook(clock.Elapsed);
            if (!options.KeepRunning) return ExitCodes.Ok;

            output.WriteLine("Simulated traffic keeps flowing; press Ctrl+C to stop.");
            await RunLiveTrafficAsync(grpc, stop);
            return ExitCodes.Ok;
        }
        catch (ServiceStartException e)
        {
            console.MarkupLine($"[red]Kubetrace could not start:[/] {Markup.Escape(e.Message)}");
            Say("Is another kubetrace (or collector) using these ports? Choose others with --otlp-port, --query-port, --tempo-port.");
            return ExitCodes.Failure;
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            return ExitCodes.Ok;
        }
        finally
        {
            if (options.DataPath is null) TryDelete(dataPath);
        }
    }

    private async Task ShowFindingsAsync(CancellationToken stop)
    {
        using var api = new NativeApiClient(new Uri(options.QueryUrl));
        var since = Minutes(options.Backfill + TimeSpan.FromMinutes(1));
        foreach (var (analysis, question) in Questions)
        {
            if (AnalysisCatalog.Find(analysis) is null) continue;
            console.MarkupLine($"[bold]{Markup.Escape(question)}[/]  (kubetrace analyze {analysis})");
            try
            {
                var answer = await api.GetJsonAsync($"api/v1/analyze/{analysis}?since={since}", stop);
                AnalysisTablePrinter.Print(console, answer.GetProperty("table"), RowsPerFinding, notes: false);
            }
            catch (QueryFailure failure)
            {
                console.MarkupLine($"[red]{Markup.Escape(failure.Message)}[/]");
            }
            console.WriteLine();
        }
    }

    private void ShowWhereToLook(TimeSpan elapsed)
    {
        var query = options.QueryUrl;
        console.MarkupLine($"[bold]Where to look[/] (ready in {elapsed.TotalSeconds.ToString("0", CultureInfo.InvariantCulture)}s):");
        // Short lines: the summary must read in an 80-column terminal.
        output.WriteLine($"  Web UI       {query}/");
        output.WriteLine($"               analyses {query}/ui/analyses/webhooks");
        output.WriteLine($"               service graph {query}/ui/graph");
        output.WriteLine($"  OTLP         grpc {options.Host}:{options.OtlpGrpcPort}, http http://{options.Host}:{options.OtlpHttpPort}/v1/traces");
        output.WriteLine($"  Native API   {query}/api/v1/analyze");
        output.WriteLine($"  Jaeger API   {query} (a Grafana Jaeger data source)");
        output.WriteLine($"  Tempo API    http://{options.Host}:{options.TempoPort} (a Grafana Tempo data source)");
        output.WriteLine($"  Commands     export KUBETRACE_SERVER={query}");
        output.WriteLine("               kubetrace analyze webhooks");
        output.WriteLine("               kubetrace search --service apiserver --min-duration 300ms");
        // After the README's steps no `kubetrace` command exists yet: say how to get one.
        output.WriteLine("               (no kubetrace command? scripts/install-tool.sh installs it,");
        output.WriteLine("               or use: dotnet run --project src/Kubetrace --)");
        output.WriteLine();
    }

    private async Task RunLiveTrafficAsync(Uri grpc, CancellationToken stop)
    {
        var live = new ClusterSimulator(new SimulationOptions
        {
            RequestsPerSecond = LiveRequestsPerSecond,
            Duration = TimeSpan.FromDays(1),
            Start = DateTimeOffset.UtcNow,
            Scenarios = options.Scenarios,
            Seed = options.Seed + 1, // fresh traffic (new trace IDs)…
            FaultSeed = options.Seed, // …with the problems the summary reported
        });
        await SimulationSender.SendAsync(live, new SimulationSendOptions { Endpoint = grpc, RealTime = true }, stop);
    }

    /// <summary>A sentence to the user, broken between words at the console's width.</summary>
    private void Say(string text) => WrappedLines.WriteLine(output, text, console.Profile.Width);

    private static string Minutes(TimeSpan span) => $"{(int)Math.Ceiling(span.TotalMinutes)}m";

    private static void TryDelete(string path)
    {
        try
        {
            if (Directory.Exists(path)) Directory.Delete(path, recursive: true);
        }
        catch (IOException)
        {
            // A demo folder left in /tmp is harmless; the OS cleans it.
        }
    }
}
