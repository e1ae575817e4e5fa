using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Kubetrace.Otlp.Proto.Trace;
using Kubetrace.Query.Budget;
using Kubetrace.Storage;
using Kubetrace.Tests.Storage;
using Kubetrace.Tests.TestSupport;

namespace Kubetrace.Tests.Api;

/// <summary>
/// Search answers are streamed as they are read, on every API: the first traces reach the client while the server
/// still reads the older ones from storage, so the server never holds the whole answer; a search whose time runs
/// out while its answer streams still ends as valid JSON carrying the API's incomplete marker.
/// </summary>
public sealed class StreamedSearchAnswerTests
{
    private const int Traces = 10;

    /// <summary>Every API's wide search over the ten traces (the native and Tempo ones list the 3 spans of each); the
    /// native ones over the hour the traces were made in (<see cref="Spans.Window"/>), not the last hour.</summary>
    public static TheoryData<string, string> Searches => new()
    {
        { "native", $"/api/v1/search?service=apiserver&limit=10&spans=3&{Spans.WindowQuery}" },
        { "native", $"/api/v1/search?q=%7Bresource.service.name%3D%22apiserver%22%7D&limit=10&spans=3&{Spans.WindowQuery}" },
        { "jaeger", "/api/traces?service=apiserver&limit=10" },
        { "tempo", "/api/search?tags=service.name%3Dapiserver&limit=10" },
        { "tempo", "/api/search?q=%7Bresource.service.name%3D%22apiserver%22%7D&limit=10" },
    };

    /// <summary>The searches that stream, with Jaeger's api_v3 (whose format has no place for a marker in the body:
    /// only the header says when its answer was cut while chosen).</summary>
    public static TheoryData<string, string> StreamingSearches
    {
        get
        {
            var all = Searches;
            var made = Spans.Made.UtcDateTime;
            var window = $"query.start_time_min={made.AddHours(-1):yyyy-MM-ddTHH:mm:ssZ}&query.start_time_max={made.AddHours(1):yyyy-MM-ddTHH:mm:ssZ}";
            all.Add("jaeger-v3", $"/api/v3/traces?query.service_name=apiserver&query.num_traces=10&{window}");
            all.Add("jaeger-v3-summaries", $"/api/v3/trace-summaries?query.service_name=apiserver&query.num_traces=10&{window}");
            return all;
        }
    }

    // 200 kB of answer allowed (the ten ~12 kB traces fit): an eighth is held while searching, the rest read again.
    private static readonly QueryLimits Limits = new() { MaxBytesPerQuery = 200_000 };

    [Theory]
    [MemberData(nameof(StreamingSearches))]
    public async Task The_first_traces_reach_the_client_while_the_server_still_reads_the_oldest(string api, string url)
    {
        await using var store = await StoreWithTracesAsync();
        var gated = new GatedOldestTrace(store.Store);
        await using var host = await ApiHost.StartAsync(api, gated, Limits);

        using var response = await host.Client.GetAsync(url, HttpCompletionOption.ResponseHeadersRead);
        await using var body = await response.Content.ReadAsStreamAsync();
        var received = new StringBuilder();
        await ReadUntilAsync(body, received, "trace-01");
        var stillReading = gated.Waiting;
        gated.Release();
        await ReadToEndAsync(body, received);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(stillReading, $"{api}: the newest trace arrived only after the oldest was read (the answer was built whole)");
        var answer = JsonNode.Parse(received.ToString())!;
        Assert.Equal(Enumerable.Range(1, Traces).Select(Name), RootNames(api, answer));
        Assert.Null(Marker(api, answer));
    }

    [Theory]
    [MemberData(nameof(Searches))]
    public async Task A_search_whose_time_runs_out_while_its_answer_streams_ends_as_valid_json_with_the_marker(string api, string url)
    {
        await using var store = await StoreWithTracesAsync();
        var gated = new GatedOldestTrace(store.Store); // never released: the oldest trace is read until query_timeout
        await using var host = await ApiHost.StartAsync(api, gated, Limits with { QueryTimeout = TimeSpan.FromSeconds(3) });

        using var response = await host.Client.GetAsync(url);
        var answer = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var names = RootNames(api, answer);
        Assert.InRange(names.Count, 0, Traces - 1);
        Assert.Equal(Enumerable.Range(1, names.Count).Select(Name), names); // the newest, in order
        Assert.Equal("query_timeout", Marker(api, answer));
    }

    private static string Name(int trace) => $"trace-{trace:00}";

    /// <summary>Ten traces (trace-01 newest … trace-10 oldest), each of 3 spans with a 4 KB attribute: ~12 kB each.</summary>
    private static Task<TempStore> StoreWithTracesAsync() => Query.BulkyTraces.StoreAsync(Traces, Name);

    private static List<string> RootNames(string api, JsonNode answer) => api switch
    {
        "native" => answer["traces"]!.AsArray().Select(t => t!["rootName"]!.GetValue<string>()).ToList(),
        "jaeger" => answer["data"]!.AsArray()
            .Select(t => t!["spans"]!.AsArray().Single(s => s!["references"]!.AsArray().Count == 0)!["operationName"]!.GetValue<string>()).ToList(),
        "jaeger-v3" => answer["result"]!["resourceSpans"]!.AsArray()
            .SelectMany(r => r!["scopeSpans"]!.AsArray()).SelectMany(s => s!["spans"]!.AsArray())
            .Where(s => s!["parentSpanId"] is null).Select(s => s!["name"]!.GetValue<string>()).ToList(),
        "jaeger-v3-summaries" => answer["summaries"]!.AsArray().Select(t => t!["rootOperationName"]!.GetValue<string>()).ToList(),
        _ => answer["traces"]!.AsArray().Select(t => t!["rootTraceName"]!.GetValue<string>()).ToList(),
    };

    /// <summary>The limit an incomplete answer names in its body (Tempo: its one job did not complete), or null.</summary>
    private static string? Marker(string api, JsonNode answer) => api switch
    {
        "native" => answer["incomplete"]?["limit"]?.GetValue<string>(),
        "jaeger-v3" or "jaeger-v3-summaries" => null,
        "jaeger" => answer["errors"]?.AsArray().Select(e => e!["msg"]!.GetValue<string>())
            .SingleOrDefault(m => m.StartsWith("incomplete result: ", StringComparison.Ordinal)) is { } message
            ? message.Contains("query_timeout") ? "query_timeout" : message
            : null,
        _ => answer["metrics"]!["completedJobs"]!.GetValue<int>() == answer["metrics"]!["totalJobs"]!.GetValue<int>() ? null : "query_timeout",
    };

    private static async Task ReadUntilAsync(Stream body, StringBuilder received, string text)
    {
        var buffer = new byte[4096];
        while (!received.ToString().Contains(text, StringComparison.Ordinal))
        {
            var read = await body.ReadAsync(buffer);
            if (read == 0) throw new InvalidOperationException($"the answer ended without {text}: {received}");
            received.Append(Encoding.UTF8.GetString(buffer, 0, read));
        }
    }

    private static async Task ReadToEndAsync(Stream body, StringBuilder received)
    {
        using var reader = new StreamReader(body, Encoding.UTF8);
        received.Append(await reader.ReadToEndAsync());
    }

    /// <summary>
    /// The real store, except that reading the oldest trace a second time (as a streamed answer does for a trace the
    /// search did not hold) waits until the test releases it, or until the query's deadline.
    /// </summary>
    private sealed class GatedOldestTrace(ITraceStore inner) : DelegatingTraceStore(inner)
    {
        private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _oldestReads;
        private volatile bool _waiting;

        public bool Waiting => _waiting;

        public void Release() => _release.TrySetResult();

        public override async ValueTask<IReadOnlyList<ResourceSpans>?> GetTraceAsync(Kubetrace.Storage.TraceId traceId, CancellationToken cancellationToken)
        {
            if (traceId.Value == Traces && Interlocked.Increment(ref _oldestReads) > 1)
            {
                _waiting = true;
                try
                {
                    await _release.Task.WaitAsync(cancellationToken);
                }
                finally
                {
                    _waiting = false;
                }
            }
            return await base.GetTraceAsync(traceId, cancellationToken);
        }
    }
}
