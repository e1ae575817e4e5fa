using System.Text;
using System.Text.Json.Nodes;
using Kubetrace.Otlp.Json;

namespace Kubetrace.Tests.Api;

/// <summary>A client retry that sends a span twice: Tempo's API shows it once (its trace combiner's rule).</summary>
public sealed class TempoDuplicateSpansTests : IAsyncLifetime
{
    private QueryServer _server = null!;

    public async Task InitializeAsync() => _server = await QueryServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task A_span_sent_twice_is_returned_once_by_trace_and_by_TraceQL()
    {
        var root = SampleRequests.ValidSpan("GET /pods", seed: 3);
        var child = SampleRequests.ValidSpan("list", seed: 4);
        child.TraceId = root.TraceId;
        child.ParentSpanId = root.SpanId;
        var request = SampleRequests.WithSpans(root, child);
        var json = Encoding.UTF8.GetString(OtlpJson.ToUtf8Bytes(request));
        await _server.PostOtlpJsonAsync(json, "first export");
        await _server.PostOtlpJsonAsync(json, "the retry");
        var traceId = Convert.ToHexStringLower(request.ResourceSpans[0].ScopeSpans[0].Spans[0].TraceId.Span);

        var trace = JsonNode.Parse(await _server.Tempo.GetStringAsync($"/api/v2/traces/{traceId}"))!;
        var spans = trace["trace"]!["resourceSpans"]!.AsArray().SelectMany(r => r!["scopeSpans"]!.AsArray()).SelectMany(s => s!["spans"]!.AsArray()).ToList();
        Assert.Equal(2, spans.Count);

        var search = JsonNode.Parse(await _server.Tempo.GetStringAsync("/api/search?q=" + Uri.EscapeDataString("{ } | count() = 2")))!;
        var found = Assert.Single(search["traces"]!.AsArray())!;
        Assert.Equal(2, found["spanSets"]![0]!["matched"]!.GetValue<int>());
    }
}
