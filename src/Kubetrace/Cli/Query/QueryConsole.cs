using System.CommandLine;
using Spectre.Console;

namespace Kubetrace.Cli.Query;

/// <summary>
/// The Spectre console the query commands draw on. On the real terminal it is Spectre's own (colours, terminal
/// width); when the invocation's output is another writer (a test, an embedding program) it writes plain text to
/// that writer, so the output is the same on every machine.
/// </summary>
public static class QueryConsole
{
    public const int RedirectedWidth = 80;

    /// <summary>
    /// Width for <c>--wide</c> and when stdout is a pipe or a file: every column whole, nothing cut or left out, so
    /// that lines can be grepped and cut whole (<c>--json</c> is the form for programs).
    /// </summary>
    public const int WideWidth = 4096;

    public static IAnsiConsole Create(InvocationConfiguration invocation, int? width)
    {
        var console = ReferenceEquals(invocation.Output, Console.Out)
            ? AnsiConsole.Console
            : AnsiConsole.Create(new AnsiConsoleSettings
            {
                Ansi = AnsiSupport.No,
                ColorSystem = ColorSystemSupport.NoColors,
                Interactive = InteractionSupport.No,
                Out = new AnsiConsoleOutput(invocation.Output),
            });
        if (width is { } columns) console.Profile.Width = columns;
        else if (!ReferenceEquals(invocation.Output, Console.Out)) console.Profile.Width = RedirectedWidth;
        else if (Console.IsOutputRedirected) console.Profile.Width = WideWidth;
        return console;
    }
}
