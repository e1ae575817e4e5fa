using System.CommandLine;
using System.Text.Json;
using Kubetrace.Cli.Layout;
using Spectre.Console;

namespace Kubetrace.Cli.Query;

/// <summary><c>kubetrace services</c>: the services of a running server, one a line, or with <c>--operations</c> a table of their operations.</summary>
public static class ServicesCommand
{
    public static Command Create()
    {
        // Not -o: that is --output, as on every command that prints a table (kubectl's -o).
        var operations = new Option<bool>("--operations") { Description = "Also list each service's operations (span names) with their span kind" };
        var server = QueryOptions.Connection();
        var output = QueryOptions.Output("the services");
        var command = new Command("services", "List the services (and operations) stored in a running kubetrace") { operations, server };
        QueryAction.Set(command, server, output, async (parse, context, cancel) =>
        {
            if (!parse.GetValue(operations))
            {
                if (context.WantsData)
                    await context.WriteDataAsync(await context.Api.GetBytesAsync("api/v1/services", cancel));
                else
                    foreach (var name in Names(await context.Api.GetJsonAsync("api/v1/services", cancel))) context.Console.WriteLine(name);
                return;
            }
            var all = new List<(string Service, JsonElement Operations)>();
            foreach (var name in Names(await context.Api.GetJsonAsync("api/v1/services", cancel)))
            {
                var answer = await context.Api.GetJsonAsync($"api/v1/services/{Uri.EscapeDataString(name)}/operations", cancel);
                all.Add((name, answer.GetProperty("operations")));
            }
            if (context.WantsData) await context.WriteDataAsync(Json(all));
            else Print(context.Console, all);
        });
        return command;
    }

    private static List<string> Names(JsonElement answer) =>
        answer.GetProperty("services").EnumerateArray().Select(s => s.GetString() ?? "").ToList();

    private static void Print(IAnsiConsole console, List<(string Service, JsonElement Operations)> all)
    {
        var table = new FittedTable([new FittedColumn("SERVICE", FittedKind.Name), new FittedColumn("OPERATION", FittedKind.Name), new FittedColumn("SPAN KIND", DropRank: 1)]);
        foreach (var (service, operations) in all)
        {
            var first = true;
            foreach (var operation in operations.EnumerateArray())
            {
                table.AddRow(first ? service : "", operation.GetProperty("name").GetString() ?? "", operation.GetProperty("spanKind").GetString() ?? "");
                first = false;
            }
            if (first) table.AddRow(service, "", "");
        }
        table.Write(console);
    }

    /// <summary><c>{"services":[{"name":"apiserver","operations":[{"name","spanKind"}]}]}</c>.</summary>
    private static byte[] Json(List<(string Service, JsonElement Operations)> all)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteStartArray("services");
            foreach (var (service, operations) in all)
            {
                w.WriteStartObject();
                w.WriteString("name", service);
                w.WritePropertyName("operations");
                operations.WriteTo(w);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return buffer.ToArray();
    }
}
