using System.CommandLine;

namespace Kubetrace.Cli;

/// <summary>The <c>kubetrace</c> command line: each subcommand lives in its own file and is added here.</summary>
public static class KubetraceCommand
{
    public static Task<int> RunAsync(string[] args)
    {
        var root = new RootCommand("Kubetrace: a Kubernetes-aware OpenTelemetry tracing system")
        {
            VersionCommand.Create(),
            BenchStoreCommand.Create(),
        };
        return root.Parse(args).InvokeAsync();
    }
}
