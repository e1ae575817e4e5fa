using System.CommandLine;
using Kubetrace.Cli.Query;
using Kubetrace.Kubernetes.Simulation;

namespace Kubetrace.Cli.Demo;

/// <summary>
/// <c>kubetrace demo</c>: one command for a newcomer. Starts the server on the embedded store (the same as
/// <c>kubetrace serve</c>), fills it with a simulated cluster that has problems planted, and prints what the
/// analyses found and where to look.
/// </summary>
public static class DemoCommand
{
    public static Command Create()
    {
        var defaults = new DemoOptions();
        var otlp = Port("--otlp-port", "OTLP/gRPC port", defaults.OtlpGrpcPort);
        var otlpHttp = Port("--otlp-http-port", "OTLP/HTTP port", defaults.OtlpHttpPort);
        var query = Port("--query-port", "Query API port (native and Jaeger)", defaults.QueryPort);
        var tempo = Port("--tempo-port", "Tempo API port", defaults.TempoPort);
        var data = new Option<string?>("--data") { Description = "Keep the demo's traces in this folder (default: a temporary folder, deleted on exit)", HelpName = "dir" };
        var rate = new Option<double>("--rate")
        {
            Description = "Simulated apiserver requests per second",
            DefaultValueFactory = _ => defaults.RequestsPerSecond,
            Validators = { r => { if (r.GetValueOrDefault<double>() is <= 0 or > 20_000) r.AddError("--rate must be above 0 and at most 20000"); } },
        };
        // In the one duration grammar, its default shown as typed ([default: 5m], not .NET's 00:05:00).
        var backfill = CliDuration.Option("--backfill", "How much past traffic to simulate at start (e.g. 10m)", Config.GoDuration.Format(defaults.Backfill));
        backfill.Validators.Add(r =>
        {
            var value = r.GetValueOrDefault<CliDuration>();
            if (value.Text is not null && value.Value <= TimeSpan.Zero || value.Value > TimeSpan.FromHours(24)) r.AddError($"--backfill must be a duration from 1s to 24h, such as 10m; got \"{value.Text}\"");
        });
        var scenario = new Option<string>("--scenario")
        {
            Description = $"Problems to plant, comma-separated: {string.Join(", ", SimulationScenarios.AllNames)}",
            DefaultValueFactory = _ => string.Join(',', SimulationScenarios.ToNames(defaults.Scenarios)),
            Validators = { r => { if (!SimulationScenarios.TryParse(r.GetValueOrDefault<string>() ?? "", out _, out var error)) r.AddError($"--scenario: {error}"); } },
        };
        var width = QueryOptions.Width();
        var exit = new Option<bool>("--exit") { Description = "Exit after the summary instead of serving until Ctrl+C" };
        var progress = new BenchProgressOptions("Show no progress on standard error while the backfill is sent");
        var command = progress.AddTo(new Command("demo", "Start kubetrace with a simulated cluster and show what is slow in it")
        {
            otlp, otlpHttp, query, tempo, data, rate, backfill, scenario, width.Width, width.Wide, exit,
        });
        command.SetAction(async (parse, stop) =>
        {
            SimulationScenarios.TryParse(parse.GetValue(scenario) ?? "", out var scenarios, out _);
            var options = new DemoOptions
            {
                OtlpGrpcPort = parse.GetValue(otlp),
                OtlpHttpPort = parse.GetValue(otlpHttp),
                QueryPort = parse.GetValue(query),
                TempoPort = parse.GetValue(tempo),
                DataPath = parse.GetValue(data) is { } path ? Path.GetFullPath(path) : null,
                RequestsPerSecond = parse.GetValue(rate),
                Backfill = parse.GetValue(backfill),
                Scenarios = scenarios,
                KeepRunning = !parse.GetValue(exit),
            };
            var invocation = parse.InvocationConfiguration;
            var console = QueryConsole.Create(invocation, width.Resolve(parse));
            return await new DemoRun(options, console, invocation.Output, progress.For(parse)).RunAsync(stop);
        });
        return command;
    }

    private static Option<int> Port(string name, string description, int fallback) => new(name)
    {
        Description = description,
        HelpName = "port",
        DefaultValueFactory = _ => fallback,
        Validators = { r => { if (r.GetValueOrDefault<int>() is < 1 or > 65535) r.AddError($"{name} must be from 1 to 65535"); } },
    };
}
