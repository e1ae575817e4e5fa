using System.CommandLine;
using Kubetrace.Cli.Query;

namespace Kubetrace.Cli;

/// <summary>The <c>kubetrace</c> command line: each subcommand lives in its own file and is added here.</summary>
public static class KubetraceCommand
{
    public static Task<int> RunAsync(string[] args) => RunAsync(args, new InvocationConfiguration());

    /// <summary>Runs a command line; <paramref name="invocation"/> lets tests capture the output.</summary>
    public static async Task<int> RunAsync(string[] args, InvocationConfiguration invocation)
    {
        var root = new RootCommand("Kubetrace: a Kubernetes-aware OpenTelemetry tracing system")
        {
            VersionCommand.Create(),
            ServeCommand.Create(),
            ValidateCommand.Create(),
            BenchCommand.Create(),
            TraceCommand.Create(),
            SearchCommand.Create(),
            ServicesCommand.Create(),
            StatsCommand.Create(),
            AnalyzeCommand.Create(),
            SimulateCommand.Create(),
            Demo.DemoCommand.Create(),
            K8s.K8sCommand.Create(),
            HealthCheckCommand.Create(),
            StoreCommand.Create(),
        };
        var parse = root.Parse(args);
        // SIGTERM/Ctrl+C cancel the action's token; the wait before a forced exit must cover serve's drain.
        invocation.ProcessTerminationTimeout = ServeCommand.ProcessTerminationTimeout;
        var exitCode = await parse.InvokeAsync(invocation);
        return parse.Errors.Count > 0 ? ExitCodes.Usage : exitCode;
    }
}
