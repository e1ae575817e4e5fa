using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using Google.Protobuf;
using Kubetrace.Otlp.Proto.Collector;
using Kubetrace.Tests.EndToEnd.Harness;
using Xunit.Abstractions;
using static Kubetrace.Tests.TestSupport.Spans;

namespace Kubetrace.Tests.EndToEnd;

/// <summary>
/// Requests that are small on the wire but huge once decompressed (one 19 MiB attribute value gzips to ~19 KB) are
/// cut to the span limits before the store keeps them, so 40 of them, two at a time, fit a server whose heap is
/// capped at 512 MiB (issue 10: they took a server from 71 MB to 2 GB), and the client is told what was cut. (Four at
/// a time come near the cap while their bodies are decompressed and parsed: the receiver has no in-flight bytes
/// limit yet.)
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class CompressedAmplificationTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Forty_gzip_requests_with_a_19_MiB_value_each_are_cut_and_stored_under_a_512_MiB_heap()
    {
        await using var server = await OtlpToStoreServer.StartAsync(
            environment: new Dictionary<string, string> { ["DOTNET_GCHeapHardLimit"] = "0x20000000" });
        using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(2) };

        var answers = new List<string>();
        long wireBytes = 0;
        for (var wave = 0; wave < 20; wave++)
        {
            var sends = Enumerable.Range(wave * 2, 2).Select(async n =>
            {
                var body = Gzip(Request(Resource("amplifier", Span(n + 1, 1, 0, "big", 0, 10, ("blob", $"{n:D4}" + new string('x', 19 << 20))))).ToByteArray());
                Interlocked.Add(ref wireBytes, body.Length);
                using var content = new ByteArrayContent(body);
                content.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");
                content.Headers.ContentEncoding.Add("gzip");
                try
                {
                    using var response = await http.PostAsync(server.HttpTracesUrl, content);
                    var reply = await response.Content.ReadAsByteArrayAsync();
                    return (n, Unexpected: response.StatusCode == HttpStatusCode.OK ? null : $"answered {(int)response.StatusCode}: {System.Text.Encoding.UTF8.GetString(reply)}", reply);
                }
                catch (HttpRequestException e)
                {
                    return (n, Unexpected: $"had no answer: {e.Message} ({e.InnerException?.Message})", Array.Empty<byte>());
                }
            });
            // Both answers first: the server is stopped for its whole log on an unexpected one, which would cut the other.
            foreach (var (n, unexpected, reply) in await Task.WhenAll(sends))
            {
                if (unexpected is not null) throw await server.Process.FailureAsync($"request {n + 1} of 40 {unexpected}");
                answers.Add(ExportTraceServiceResponse.Parser.ParseFrom(reply).PartialSuccess?.ErrorMessage ?? "");
            }
        }
        using var stored = await http.GetAsync(new Uri(server.QueryUrl, $"/api/v1/search?service=amplifier&limit=100&{WindowQuery}"));
        var answer = await stored.Content.ReadAsStringAsync();
        var found = System.Text.Json.Nodes.JsonNode.Parse(answer)!["traces"]!.AsArray().Count;
        output.WriteLine($"{wireBytes:N0} bytes on the wire; peak RSS {server.Process.PeakResidentBytes() >> 20} MiB");

        Assert.All(answers, a => Assert.Equal("cut to the span limits: 1 values cut to 4096 bytes (max_attribute_value_bytes)", a));
        if (found != 40 || server.Process.HasExited)
            throw await server.Process.FailureAsync($"{found} of the 40 acknowledged traces found; the search answered {(int)stored.StatusCode}: {answer[..Math.Min(answer.Length, 2000)]}");
        await server.Process.StopCleanlyAsync();
    }

    private static byte[] Gzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Optimal)) gzip.Write(data);
        return output.ToArray();
    }
}
