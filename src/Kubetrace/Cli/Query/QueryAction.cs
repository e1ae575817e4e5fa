using System.CommandLine;
using System.Text.Json;
using Kubetrace.Cli.Output;
using Spectre.Console;

namespace Kubetrace.Cli.Query;

/// <summary>
/// What a query command's action gets: its client, its console, where plain text goes, and the output format asked
/// for (a table unless the command has <see cref="OutputOptions"/> and <c>-o json|yaml</c> was given).
/// </summary>
public sealed record QueryContext(NativeApiClient Api, IAnsiConsole Console, TextWriter Output, OutputFormat Format = OutputFormat.Table)
{
    /// <summary>Whether the data is asked for (<c>-o json|yaml</c>, <c>--json</c>) rather than a table.</summary>
    public bool WantsData => Format.IsData();

    /// <summary>Writes the data (a JSON document: the server's answer or one built from it) in the format asked for.</summary>
    public async Task WriteDataAsync(byte[] utf8Json)
    {
        try
        {
            await DataOutput.WriteAsync(Output, Format, utf8Json);
        }
        catch (JsonException)
        {
            throw new QueryFailure("the server's answer is not JSON: is it a kubetrace query port?");
        }
    }

    public Task WriteDataAsync(JsonElement data) => WriteDataAsync(JsonSerializer.SerializeToUtf8Bytes(data));
}

/// <summary>
/// Runs the body of a query command the same way for all of them: a failure is one line on stderr and exit code 1
/// (flag errors never get here: the parser reports them with exit code 2).
/// </summary>
public static class QueryAction
{
    /// <summary>A command that prints a table: <paramref name="output"/>'s options decide its format and width.</summary>
    public static void Set(Command command, ConnectionOptions connection, OutputOptions output, Func<ParseResult, QueryContext, CancellationToken, Task> body)
    {
        output.AddTo(command);
        Set(command, connection, output.ResolveWidth, output.Format, body);
    }

    /// <summary>A command that prints text laid out to <c>--width</c>, and no data.</summary>
    public static void Set(Command command, ConnectionOptions connection, WidthOptions width, Func<ParseResult, QueryContext, CancellationToken, Task> body) =>
        Set(command, connection, width.Resolve, _ => OutputFormat.Table, body);

    private static void Set(Command command, ConnectionOptions connection, Func<ParseResult, int?> width, Func<ParseResult, OutputFormat> format,
        Func<ParseResult, QueryContext, CancellationToken, Task> body) =>
        command.SetAction(async (parse, cancel) =>
        {
            var invocation = parse.InvocationConfiguration;
            try
            {
                using var api = connection.CreateClient(parse);
                var context = new QueryContext(api, QueryConsole.Create(invocation, width(parse)), invocation.Output, format(parse));
                await body(parse, context, cancel);
                return ExitCodes.Ok;
            }
            catch (QueryFailure failure)
            {
                await invocation.Error.WriteLineAsync(failure.Message);
                return ExitCodes.Failure;
            }
        });
}
