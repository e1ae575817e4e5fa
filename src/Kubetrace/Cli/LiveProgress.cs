using System.Globalization;
using Spectre.Console;

namespace Kubetrace.Cli;

/// <summary>How far long work has got: a fraction done and a line saying what was done.</summary>
internal readonly record struct ProgressReading(double Fraction, string Text);

/// <summary>
/// Shows long work's progress without slowing it: the display polls a reading (counters the work keeps anyway) on
/// its own clock, never the other way round. On a terminal it is Spectre's progress bar on standard error (standard
/// output keeps the report); when output is redirected it is a plain line every <c>interval</c>, which logs and CI
/// keep readably.
/// </summary>
internal static class LiveProgress
{
    /// <summary>A terminal shows the live display; a pipe or file gets plain lines.</summary>
    public static bool Interactive => !Console.IsOutputRedirected && !Console.IsErrorRedirected;

    public static async Task<T> RunAsync<T>(string title, Func<ProgressReading> read, Task<T> work, TextWriter plain,
        bool interactive, TimeSpan interval)
    {
        if (interactive)
        {
            var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
            await console.Progress().AutoClear(true)
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
                .StartAsync(async context =>
                {
                    var task = context.AddTask(title, maxValue: 1);
                    while (!work.IsCompleted)
                    {
                        await Task.WhenAny(work, Task.Delay(TimeSpan.FromMilliseconds(250)));
                        var reading = read();
                        task.Value = Math.Clamp(reading.Fraction, 0, 1);
                        task.Description = $"{title}: {Markup.Escape(reading.Text)}";
                    }
                });
            return await work;
        }
        var started = DateTimeOffset.UtcNow;
        while (await Task.WhenAny(work, Task.Delay(interval)) != work)
        {
            var reading = read();
            var percent = Math.Clamp(reading.Fraction, 0, 1).ToString("0%", CultureInfo.InvariantCulture);
            await plain.WriteLineAsync($"{title}: {percent} after {(DateTimeOffset.UtcNow - started).TotalSeconds:0}s, {reading.Text}");
        }
        return await work;
    }
}
