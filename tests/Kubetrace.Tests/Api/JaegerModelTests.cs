using System.Text.Json.Nodes;
using Kubetrace.Tests.EndToEnd.Harness;

namespace Kubetrace.Tests.Api;

/// <summary>
/// Jaeger UI's own OTLP → Jaeger fixtures (../shared/conformance/jaeger/ui-otlp2jaeger): the OTLP payloads are
/// sent through OTLP, the trace is read back through <c>/api/traces/{id}</c>, and must be Jaeger UI's model of it.
/// </summary>
public sealed class JaegerModelTests(EmptyServer empty) : IClassFixture<EmptyServer>
{
    [RequiresSharedFolderFact]
    public async Task Otlp_payloads_come_back_in_jaeger_uis_model()
    {
        var folder = Path.Combine(RepoPaths.Shared!, "conformance", "jaeger", "ui-otlp2jaeger");
        foreach (var line in File.ReadAllLines(Path.Combine(folder, "otlp2jaeger-multi-in.json.txt")).Where(l => l.Trim().Length > 0))
            await empty.Server.PostOtlpJsonAsync(line, "otlp2jaeger-multi-in.json.txt");
        var expected = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "oltp2jaeger-multi-out.json")))!["data"]![0]!;

        var answer = JsonNode.Parse(await empty.Server.Query.GetStringAsync($"/api/traces/{expected["traceID"]}"))!;
        var actual = Assert.Single(answer["data"]!.AsArray())!;

        Assert.Equal(expected["traceID"]!.GetValue<string>(), actual["traceID"]!.GetValue<string>());
        Assert.Equal(Spans(expected), Spans(actual));
        // Four batches with the same resource are one process.
        Assert.Equal(Processes(expected), Processes(actual));
        Assert.Null(answer["errors"]);
    }

    /// <summary>
    /// Each span as a comparable line. Jaeger UI names the scope tags otel.library.*, the Jaeger backend
    /// (and Kubetrace) otel.scope.*; the UI also nests the referenced span, which the API does not send.
    /// </summary>
    private static List<string> Spans(JsonNode trace)
    {
        var processes = trace["processes"]!.AsObject();
        return trace["spans"]!.AsArray().Select(span =>
        {
            var references = span!["references"]!.AsArray()
                .Select(r => $"{r!["refType"]}:{r["traceID"]}:{r["spanID"]}");
            var tags = span["tags"]!.AsArray()
                .Select(t => $"{t!["key"]!.GetValue<string>().Replace("otel.library.", "otel.scope.")}={t["type"]}:{t["value"]!.ToJsonString()}")
                .Order(StringComparer.Ordinal);
            var logs = span["logs"]!.AsArray().Select(l => l!.ToJsonString());
            var service = processes[span["processID"]!.GetValue<string>()]!["serviceName"];
            return $"{span["spanID"]} {span["operationName"]} start={span["startTime"]} duration={span["duration"]} service={service} " +
                   $"refs=[{string.Join(",", references)}] tags=[{string.Join(",", tags)}] logs=[{string.Join(",", logs)}]";
        }).Order(StringComparer.Ordinal).ToList();
    }

    private static List<string> Processes(JsonNode trace) =>
        trace["processes"]!.AsObject().Select(p => $"{p.Value!["serviceName"]} {p.Value["tags"]!.ToJsonString()}").ToList();
}
