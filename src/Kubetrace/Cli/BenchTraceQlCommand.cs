using System.CommandLine;
using Kubetrace.Query.TraceQl;

namespace Kubetrace.Cli;

/// <summary><c>kubetrace bench traceql</c>: TraceQL searches and metrics timed over N spans (issue 13's benchmark).</summary>
public static class BenchTraceQlCommand
{
    public static Command Create()
    {
        var spans = new Option<long>("--spans") { Description = "Spans to load", DefaultValueFactory = _ => 10_000_000 };
        var dir = new Option<string>("--dir")
        {
            Description = "Work folder (store); the default is `bench analyze`'s, so --reuse shares its store",
            DefaultValueFactory = _ => Path.Combine(Path.GetTempPath(), "kubetrace-bench", "analyze"),
        };
        var reuse = new Option<bool>("--reuse") { Description = "Reuse the store a previous run loaded into --dir" };
        var runs = new Option<int>("--runs") { Description = "Runs of each measurement (the best is reported)", DefaultValueFactory = _ => 3 };
        var progress = new BenchProgressOptions();
        var command = new Command("traceql", "Benchmark TraceQL searches and metrics over N spans of the Kubernetes shape") { spans, dir, reuse, runs };
        progress.AddTo(command);
        command.SetAction(result => new TraceQlBenchmark(result.GetValue(spans), result.GetValue(dir)!, result.GetValue(reuse),
            Math.Max(1, result.GetValue(runs)), result.InvocationConfiguration.Output, progress.For(result)).RunAsync());
        return command;
    }
}
