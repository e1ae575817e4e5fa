using System.CommandLine;
using Kubetrace.Bench;

namespace Kubetrace.Cli;

/// <summary>
/// The in-process benchmarks' progress flags (<c>bench store</c>, <c>analyze</c>, <c>traceql</c>, <c>clickhouse</c>):
/// <c>--progress-interval</c> as <c>simulate</c> has it, and <c>--quiet</c> for none (<see cref="PhaseProgress"/>); the
/// demo's backfill takes the same two.
/// </summary>
internal sealed class BenchProgressOptions(string quietDescription = "Show no progress on standard error while the input is generated, loaded or ingested")
{
    public Option<bool> Quiet { get; } = new("--quiet") { Description = quietDescription };

    public Option<CliDuration> Interval { get; } = BenchCommand.DurationOption("--progress-interval",
        "When standard error is not a terminal: how often to print a progress line (a terminal shows a live bar)", "10s");

    /// <summary>Adds both flags to <paramref name="command"/>, refusing an interval of zero or less.</summary>
    public Command AddTo(Command command)
    {
        command.Options.Add(Quiet);
        command.Options.Add(Interval);
        Interval.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<CliDuration>().Value <= TimeSpan.Zero) r.AddError("--progress-interval must be more than 0");
        });
        return command;
    }

    /// <summary>The display the parsed flags ask for, on the invocation's standard error.</summary>
    public PhaseProgress For(ParseResult parse) =>
        new(parse.InvocationConfiguration.Error, LiveProgress.Interactive, parse.GetValue(Interval).Value, parse.GetValue(Quiet));
}
