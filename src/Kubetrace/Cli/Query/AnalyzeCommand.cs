using System.CommandLine;
using Kubetrace.Analysis;

namespace Kubetrace.Cli.Query;

/// <summary>
/// <c>kubetrace analyze &lt;what&gt; --server URL [--since 1h] [-o json|yaml|wide]</c>: one subcommand per entry of
/// <see cref="AnalysisCatalog"/>, each calling <c>/api/v1/analyze/{name}</c> on a running server and drawing the
/// table it answers (or printing its data as JSON or YAML).
/// </summary>
public static class AnalyzeCommand
{
    public static Command Create()
    {
        var command = new Command("analyze", "Analyse the traces of a running kubetrace: what is slow in the cluster, and why");
        foreach (var analysis in AnalysisCatalog.All) command.Subcommands.Add(Create(analysis));
        return command;
    }

    private static Command Create(AnalysisDefinition analysis)
    {
        var server = QueryOptions.Connection();
        var output = QueryOptions.Output("the analysis result");
        var since = new Option<string?>("--since") { Description = "How far back to look (e.g. 15m, 1h, 7d; default 1h)", HelpName = "duration" };
        var sampling = new Option<string[]>("--" + Api.Native.AnalyzeApi.SamplingRateParameter)
        {
            Description = "The components' samplingRatePerMillion, to scale counts and rates to the cluster's traffic: N (every component) " +
                "or component=N (apiserver, kubelet, etcd, containerd), repeated or comma-separated; overrides the server's configuration",
            HelpName = "[component=]N",
        };
        var command = new Command(analysis.Name, analysis.Summary) { server, since, sampling };
        var arguments = analysis.Arguments.Select(a =>
        {
            var argument = new Argument<string>(a.Name) { Description = a.Description, Arity = a.Required ? ArgumentArity.ExactlyOne : ArgumentArity.ZeroOrOne };
            command.Arguments.Add(argument);
            return (a.Name, argument);
        }).ToList();
        var options = analysis.Options.Select(o =>
        {
            var option = new Option<string?>("--" + o.Name) { Description = o.Description };
            command.Options.Add(option);
            return (o.Name, option);
        }).ToList();
        QueryAction.Set(command, server, output, async (parse, context, cancel) =>
        {
            var query = new List<string>();
            if (parse.GetValue(since) is { } lookback) query.Add("since=" + Uri.EscapeDataString(lookback));
            foreach (var rate in parse.GetValue(sampling) ?? [])
                query.Add(Api.Native.AnalyzeApi.SamplingRateParameter + "=" + Uri.EscapeDataString(rate));
            foreach (var (name, argument) in arguments)
                if (parse.GetValue(argument) is { Length: > 0 } value) query.Add(name + "=" + Uri.EscapeDataString(value));
            foreach (var (name, option) in options)
                if (parse.GetValue(option) is { Length: > 0 } value) query.Add(name + "=" + Uri.EscapeDataString(value));
            var path = $"api/v1/analyze/{Uri.EscapeDataString(analysis.Name)}" + (query.Count > 0 ? "?" + string.Join('&', query) : "");
            var answer = await context.Api.GetJsonAsync(path, cancel);
            if (context.WantsData)
                await context.WriteDataAsync(answer.GetProperty("data"));
            else
                AnalysisTablePrinter.Print(context.Console, answer.GetProperty("table"));
        });
        return command;
    }
}
