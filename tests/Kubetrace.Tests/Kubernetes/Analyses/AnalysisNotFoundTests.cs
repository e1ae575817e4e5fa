using System.Net;
using Kubetrace.Tests.Cli;
using static Kubetrace.Tests.Kubernetes.Analyses.ObjectTraces;

namespace Kubetrace.Tests.Kubernetes.Analyses;

/// <summary>
/// Analyses about one thing the store does not hold — a trace ID for <c>critical-path</c> or <c>compare</c>, an
/// object no span names — answer 404 with a message saying so; <c>kubetrace analyze</c> prints it and fails.
/// </summary>
public sealed class AnalysisNotFoundTests(AnalysesServer server) : IClassFixture<AnalysesServer>
{
    private static readonly string Unknown = new('f', 32);

    private static string Hex(int trace) => KubeTraces.TraceHex(trace);

    private async Task<string> MessageAsync(string path) =>
        (await server.GetAsync(path, HttpStatusCode.NotFound))["error"]!["message"]!.GetValue<string>();

    [Fact]
    public async Task Critical_path_of_an_unknown_trace_is_404_naming_the_trace()
    {
        var message = await MessageAsync($"/api/v1/analyze/critical-path?trace-id={Unknown}");

        Assert.StartsWith($"trace {Unknown} not found", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Compare_with_one_unknown_trace_is_404_naming_that_trace()
    {
        var message = await MessageAsync($"/api/v1/analyze/compare?trace-a={Hex(CreateRequest)}&trace-b={Unknown}");

        Assert.StartsWith($"trace {Unknown} not found", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Object_that_no_span_names_is_404_saying_what_was_searched()
    {
        var message = await MessageAsync("/api/v1/analyze/object?object=shop/nothing");
        var asConfigMap = await MessageAsync($"/api/v1/analyze/object?object=shop/web-1&resource=configmaps&{Spans.WindowQuery}");

        Assert.StartsWith("no span in the range names shop/nothing: apiserver handler spans", message, StringComparison.Ordinal);
        Assert.StartsWith("no span in the range names shop/web-1 as configmaps:", asConfigMap, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_command_prints_the_message_on_stderr_and_exits_1()
    {
        var path = await CliRun.RunAsync("analyze", "critical-path", Unknown, "--server", server.Url);
        var timeline = await CliRun.RunAsync("analyze", "object", "shop/nothing", "--server", server.Url, "--json");

        Assert.Equal((1, ""), (path.Code, path.Output));
        Assert.StartsWith($"trace {Unknown} not found", path.Error, StringComparison.Ordinal);
        Assert.Equal((1, ""), (timeline.Code, timeline.Output));
        Assert.StartsWith("no span in the range names shop/nothing", timeline.Error, StringComparison.Ordinal);
    }
}
