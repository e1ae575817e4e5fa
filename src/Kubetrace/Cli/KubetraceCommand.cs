using System.CommandLine;

namespace Kubetrace.Cli;

/// <summary>The <c>kubetrace</c> command line: each subcommand lives in its own file and is added here.</summary>
public static class KubetraceCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        var root = new RootCommand("Kubetrace: a Kubernetes-aware OpenTelemetry tracing system")
        {
            VersionCommand.Create(),
            ServeCommand.Create(),
            ValidateCommand.Create(),
            BenchCommand.Create(),
        };
        var parse = root.Parse(args);
        // SIGTERM/Ctrl+C cancel the action's token; the wait before a forced exit must cover serve's drain.
        var exitCode = await parse.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = ServeCommand.ProcessTerminationTimeout });
        return parse.Errors.Count > 0 ? ExitCodes.Usage : exitCode;
    }
}
