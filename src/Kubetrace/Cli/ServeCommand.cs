using System.CommandLine;
using Kubetrace.Config;
using Kubetrace.Service;
using Microsoft.Extensions.Logging;

namespace Kubetrace.Cli;

/// <summary><c>kubetrace serve [--config FILE]</c>: runs the pipelines until SIGTERM or Ctrl+C, then drains and exits.</summary>
public static class ServeCommand
{
    /// <summary>
    /// How long System.CommandLine waits for the action after SIGTERM/SIGINT before it forces the exit: the
    /// service's own bounded shutdown plus a margin, so that queues are drained rather than cut off.
    /// </summary>
    public static readonly TimeSpan ProcessTerminationTimeout = KubetraceService.DefaultShutdownTimeout + TimeSpan.FromSeconds(5);

    public static Command Create()
    {
        var config = ConfigOption.Create("Collector-format configuration file (default: the built-in otlp → kubetrace pipeline: OTLP on localhost:4317 and :4318 into the embedded store in ./data or $KUBETRACE_DATA, queries on :16686 and :3200)");
        var set = ConfigOption.CreateSet();
        var listenAll = new Option<bool>("--listen-all")
        {
            Description = "Listen on all interfaces where the configuration says localhost (as a container needs); other hosts are kept",
        };
        var command = new Command("serve", "Run the pipelines of a Collector-format configuration until SIGTERM") { config, set, listenAll };
        command.SetAction((parse, stop) =>
            RunAsync(parse.GetValue(config) ?? [], parse.GetValue(set) ?? [], parse.GetValue(listenAll), parse.InvocationConfiguration.Error, stop));
        return command;
    }

    private static async Task<int> RunAsync(string[] paths, string[] overrides, bool listenAll, TextWriter error, CancellationToken stop)
    {
        var result = ConfigOption.Load(paths, overrides);
        if (!result.IsValid)
        {
            ConfigOption.PrintDiagnostics(result, error);
            return ExitCodes.Failure;
        }

        using var loggerFactory = ServiceLogging.Create(result.Config!.Telemetry.Logs);
        var logger = loggerFactory.CreateLogger("Kubetrace");
        logger.LogInformation("Starting kubetrace {Version} with {Config}", VersionCommand.Version,
            paths.Length == 0 ? DefaultConfig.SourceName : string.Join(" + ", paths));
        foreach (var warning in result.Warnings) logger.LogWarning("{Warning}", warning);
        if (listenAll) ListenAddresses.OpenToAllInterfaces(result.Config);

        await using var service = new KubetraceService(result.Config, loggerFactory);
        try
        {
            await service.RunAsync(stop);
            return ExitCodes.Ok;
        }
        catch (ServiceStartException e)
        {
            logger.LogError("{Error}", e.Message);
            return ExitCodes.Failure;
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            return ExitCodes.Ok; // stopped while starting; the service has already shut down what had started
        }
    }
}
