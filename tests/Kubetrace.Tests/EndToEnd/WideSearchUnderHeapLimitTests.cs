using System.Net;
using System.Text.Json.Nodes;
using Google.Protobuf;
using Kubetrace.Pipeline;
using Kubetrace.Storage;
using Kubetrace.Storage.Benchmark;
using Kubetrace.Tests.EndToEnd.Harness;
using Xunit.Abstractions;

namespace Kubetrace.Tests.EndToEnd;

/// <summary>
/// The widest searches one can send — every API, the whole time range, the largest limit and spans per trace, all
/// at once — answer from a server whose .NET heap is capped (<c>DOTNET_GCHeapHardLimit</c>) over a store holding
/// far more than the cap as search results: the query budgets stop them early, marked incomplete, instead of the
/// process running out of memory.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class WideSearchUnderHeapLimitTests(ITestOutputHelper output)
{
    private const int Traces = 6_000, SpansPerTrace = 50;
    private const long HeapLimit = 512L << 20;

    [Fact]
    public async Task The_widest_native_Jaeger_and_Tempo_searches_answer_at_once_under_a_512_MiB_heap()
    {
        using var data = new TempDirectory();
        await FillAsync(data.Path);
        await using var server = await OtlpToStoreServer.StartAsync(dataDirectory: data.Path,
            environment: new Dictionary<string, string> { ["DOTNET_GCHeapHardLimit"] = $"0x{HeapLimit:x}" });
        using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(3) };

        var searches = new[]
        {
            new Uri(server.QueryUrl, "/api/v1/search?start=0&end=9223372036854775807&limit=10000&spans=1000"),
            new Uri(server.QueryUrl, "/api/traces?start=0&end=9223372036854775&limit=10000"),
            new Uri(server.TempoUrl, "/api/search?q=%7B%7D&limit=10000&spss=1000"),
        };
        var answers = await Task.WhenAll(searches.Select(async url =>
        {
            try
            {
                using var response = await http.GetAsync(url);
                var body = await response.Content.ReadAsStringAsync();
                return (Url: url, response.StatusCode, Incomplete: response.Headers.TryGetValues("Kubetrace-Incomplete", out var v) ? v.Single() : null, Body: body);
            }
            catch (HttpRequestException e)
            {
                // A connection cut mid-answer: the server's own account (an out-of-memory exit, a budget) says why.
                throw await server.Process.FailureAsync($"{url.PathAndQuery}: {e.Message} ({e.InnerException?.Message})");
            }
        }));
        var peak = server.Process.PeakResidentBytes();
        output.WriteLine($"peak RSS {peak >> 20} MiB");
        foreach (var answer in answers) output.WriteLine($"{answer.Url.PathAndQuery}: {(int)answer.StatusCode}, {answer.Body.Length:N0} bytes, incomplete: {answer.Incomplete ?? "no"}");

        if (server.Process.HasExited) throw await server.Process.FailureAsync("the server exited during the searches");
        foreach (var answer in answers.Where(a => a.StatusCode != HttpStatusCode.OK))
            throw await server.Process.FailureAsync($"{answer.Url.PathAndQuery} answered {(int)answer.StatusCode}: {answer.Body[..Math.Min(answer.Body.Length, 2000)]}");
        Assert.NotEmpty(JsonNode.Parse(answers[0].Body)!["traces"]!.AsArray());
        Assert.NotEmpty(JsonNode.Parse(answers[1].Body)!["data"]!.AsArray());
        Assert.NotEmpty(JsonNode.Parse(answers[2].Body)!["traces"]!.AsArray());
        Assert.NotNull(answers[1].Incomplete); // 6,000 traces of 50 spans are more than one Jaeger answer may hold
        await server.Process.StopCleanlyAsync();
    }

    /// <summary>Writes <see cref="Traces"/> traces of <see cref="SpansPerTrace"/> spans of the benchmark shape (12
    /// attributes each) into blocks, as a server would have after ingesting them.</summary>
    private static async Task FillAsync(string directory)
    {
        var generator = new KubernetesTraceGenerator(seed: 7, DateTimeOffset.UtcNow, TimeSpan.FromHours(2));
        await using var store = EmbeddedTraceStore.Open(new StoreOptions { Directory = directory, Rollups = [] });
        var random = new Random(7);
        for (var batch = 0; batch < Traces / 20; batch++)
        {
            var request = new Kubetrace.Otlp.Proto.Collector.ExportTraceServiceRequest();
            for (var trace = 0; trace < 20; trace++)
            {
                // The generator's traces have 10 spans: five of them become one trace of 50.
                var part = generator.NextRequest(SpansPerTrace / KubernetesTraceGenerator.SpansPerTrace);
                var id = new byte[16];
                random.NextBytes(id);
                foreach (var span in part.ResourceSpans.SelectMany(r => r.ScopeSpans).SelectMany(s => s.Spans)) span.TraceId = ByteString.CopyFrom(id);
                request.ResourceSpans.AddRange(part.ResourceSpans);
            }
            await store.AppendAsync(TraceBatch.FromEncoded(request.ToByteArray(), TraceBatch.CountSpans(request)), CancellationToken.None);
        }
        await store.FlushHeadAsync();
    }
}
