using System.CommandLine;
using Kubetrace.Storage.Benchmark;

namespace Kubetrace.Cli;

/// <summary><c>kubetrace bench analyze</c>: the span scan and every analysis timed over N spans (issue 4's benchmark).</summary>
public static class BenchAnalyzeCommand
{
    public static Command Create()
    {
        var spans = new Option<long>("--spans") { Description = "Spans to load", DefaultValueFactory = _ => 10_000_000 };
        var dir = new Option<string>("--dir") { Description = "Work folder (store)", DefaultValueFactory = _ => Path.Combine(Path.GetTempPath(), "kubetrace-bench", "analyze") };
        var reuse = new Option<bool>("--reuse") { Description = "Reuse the store a previous run loaded into --dir" };
        var runs = new Option<int>("--runs") { Description = "Runs of each measurement (the best is reported)", DefaultValueFactory = _ => 3 };
        var only = new Option<string[]>("--analysis") { Description = "Only these analyses (repeatable); default: all", AllowMultipleArgumentsPerToken = true };
        var fallback = new Option<bool>("--fallback") { Description = "Also time the object-based scan on 1 in 100 traces (slow)" };
        var simulated = new Option<double?>("--simulated")
        {
            Description = "Load one hour of `kubetrace simulate` traffic at this many apiserver requests/s (every scenario planted) instead of --spans spans of the `bench store` shape",
            HelpName = "requests-per-second",
            Validators = { r => { if (r.GetValueOrDefault<double?>() is <= 0 or > 5_000) r.AddError("--simulated must be above 0 and at most 5000 requests/s"); } },
        };
        var noRollups = new Option<bool>("--no-rollups")
        {
            Description = "Do not build or use the analyses' per-block rollups: every analysis scans every span (the cold figure)",
        };
        var rowSearches = new Option<bool>("--row-searches")
        {
            Description = "Also time each TraceQL search the analyses' rows link to (their \"all\" link: the last hour, 20 traces, no timeout)",
        };
        var progress = new BenchProgressOptions();
        var command = new Command("analyze", "Benchmark the span scan and each analysis over N spans of the Kubernetes shape")
        {
            spans, dir, reuse, runs, only, fallback, simulated, noRollups, rowSearches,
        };
        progress.AddTo(command);
        command.SetAction(result => new AnalysisBenchmark(result.GetValue(spans), result.GetValue(dir)!, result.GetValue(reuse),
            Math.Max(1, result.GetValue(runs)), result.GetValue(only) ?? [], result.GetValue(fallback), result.InvocationConfiguration.Output,
            result.GetValue(simulated), rollups: !result.GetValue(noRollups), progress.For(result), result.GetValue(rowSearches)).RunAsync());
        return command;
    }
}
