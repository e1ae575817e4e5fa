using System.CommandLine;
using Spectre.Console;

namespace Kubetrace.Cli.Query;

/// <summary>What a query command's action gets: its client, its console and where plain text (JSON) goes.</summary>
public sealed record QueryContext(NativeApiClient Api, IAnsiConsole Console, TextWriter Output);

/// <summary>
/// Runs the body of a query command the same way for all of them: a failure is one line on stderr and exit code 1
/// (flag errors never get here: the parser reports them with exit code 2).
/// </summary>
public static class QueryAction
{
    public static void Set(Command command, ConnectionOptions connection, WidthOptions width, Func<ParseResult, QueryContext, CancellationToken, Task> body) =>
        command.SetAction(async (parse, cancel) =>
        {
            var invocation = parse.InvocationConfiguration;
            try
            {
                using var api = connection.CreateClient(parse);
                var context = new QueryContext(api, QueryConsole.Create(invocation, width.Resolve(parse)), invocation.Output);
                await body(parse, context, cancel);
                return ExitCodes.Ok;
            }
            catch (QueryFailure failure)
            {
                await invocation.Error.WriteLineAsync(failure.Message);
                return ExitCodes.Failure;
            }
        });

    /// <summary>Writes a JSON body as the server sent it, followed by a newline.</summary>
    public static async Task WriteRawAsync(TextWriter output, byte[] utf8)
    {
        await output.WriteAsync(System.Text.Encoding.UTF8.GetString(utf8).TrimEnd());
        await output.WriteLineAsync();
    }
}
