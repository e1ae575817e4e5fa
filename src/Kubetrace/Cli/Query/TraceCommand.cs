using System.CommandLine;
using Kubetrace.Otlp.Json;

namespace Kubetrace.Cli.Query;

/// <summary><c>kubetrace trace ID</c>: one trace from a running server, drawn as a span tree with a timeline.</summary>
public static class TraceCommand
{
    public static Command Create()
    {
        var id = new Argument<string>("ID") { Description = "Trace ID, 1 to 32 hex digits" };
        var server = QueryOptions.Connection();
        var output = QueryOptions.Output("the trace (OTLP JSON)");
        var command = new Command("trace", "Show one trace of a running kubetrace as a span tree with duration bars") { id, server };
        id.Validators.Add(result =>
        {
            var text = result.GetValueOrDefault<string>() ?? "";
            if (text.Length is 0 or > 32 || !text.All(char.IsAsciiHexDigit))
                result.AddError($"the trace ID must be 1 to 32 hex digits, got \"{text}\"");
        });
        QueryAction.Set(command, server, output, async (parse, context, cancel) =>
        {
            var body = await context.Api.GetBytesAsync("api/v1/traces/" + parse.GetValue(id), cancel);
            if (context.WantsData)
            {
                await context.WriteDataAsync(body);
                return;
            }
            TraceTree tree;
            try { tree = TraceTree.From(OtlpJson.ParseRequest(body)); }
            catch (OtlpJsonException e) { throw new QueryFailure($"the server's answer is not an OTLP trace: {e.Message}"); }
            if (tree.Rows.Count == 0) throw new QueryFailure($"trace {parse.GetValue(id)} has no spans");
            // Wide (piped) output shows names whole; the timeline itself needs no more than a wide screen's columns.
            var width = context.Console.Profile.Width >= QueryConsole.WideWidth ? TraceView.WideWidth : context.Console.Profile.Width;
            context.Console.Write(TraceView.Render(parse.GetValue(id)!.ToLowerInvariant().PadLeft(32, '0'), tree, width));
        });
        return command;
    }
}
