using System.Net;
using System.Text.Json;

namespace Kubetrace.Tests.EndToEnd.Harness;

/// <summary>Reads back what the store holds through the native query API (<c>/api/v1</c>), as a user's tool would.</summary>
/// <param name="timeout">Per request (default 10 s).</param>
/// <param name="handler">For a query port with TLS: a handler that trusts its CA.</param>
internal sealed class StoredTraces(Uri queryUrl, TimeSpan? timeout = null, HttpMessageHandler? handler = null) : IDisposable
{
    private readonly HttpClient _http = new(handler ?? new SocketsHttpHandler()) { BaseAddress = queryUrl, Timeout = timeout ?? TimeSpan.FromSeconds(10) };

    /// <summary>The span IDs (lowercase hex) of one trace by <c>/api/v1/traces/{id}</c>; empty when it is unknown (404).</summary>
    public async Task<IReadOnlySet<string>> SpanIdsAsync(string traceId) => (await SpanIdListAsync(traceId)).ToHashSet();

    /// <summary>Like <see cref="SpanIdsAsync"/>, as returned: a span stored twice is listed twice.</summary>
    public async Task<IReadOnlyList<string>> SpanIdListAsync(string traceId)
    {
        using var response = await _http.GetAsync($"/api/v1/traces/{traceId}");
        var body = await response.Content.ReadAsStringAsync();
        if (response.StatusCode == HttpStatusCode.NotFound) return [];
        if (response.StatusCode != HttpStatusCode.OK)
            throw new Xunit.Sdk.XunitException($"GET /api/v1/traces/{traceId}: {(int)response.StatusCode} {body}");
        // The body is OTLP JSON {"resourceSpans":[...]}, the shape of an ExportTraceServiceRequest.
        return FileExporterOutput.Flatten(OtlpJsonFile.Parse(body)).Select(s => s.SpanIdHex).ToList();
    }

    /// <summary>The trace IDs <c>/api/v1/search?service=...</c> finds over the last hour.</summary>
    public async Task<IReadOnlySet<string>> SearchServiceAsync(string service, int limit)
    {
        var path = $"/api/v1/search?service={Uri.EscapeDataString(service)}&lookback=1h&limit={limit}";
        using var response = await _http.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != HttpStatusCode.OK)
            throw new Xunit.Sdk.XunitException($"GET {path}: {(int)response.StatusCode} {body}");
        using var json = JsonDocument.Parse(body);
        return json.RootElement.GetProperty("traces").EnumerateArray()
            .Select(t => t.GetProperty("traceId").GetString()!).ToHashSet();
    }

    /// <summary>
    /// The trace IDs the Jaeger API's search (<c>/api/traces?service=...</c>, as Jaeger UI calls it) finds, as 32 hex
    /// digits (Jaeger writes 16 when the high half is zero).
    /// </summary>
    public async Task<IReadOnlySet<string>> JaegerSearchServiceAsync(string service, int limit)
    {
        var path = $"/api/traces?service={Uri.EscapeDataString(service)}&lookback=1h&limit={limit}";
        using var response = await _http.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != HttpStatusCode.OK)
            throw new Xunit.Sdk.XunitException($"GET {path}: {(int)response.StatusCode} {body}");
        using var json = JsonDocument.Parse(body);
        return json.RootElement.GetProperty("data").EnumerateArray()
            .Select(t => t.GetProperty("traceID").GetString()!.PadLeft(32, '0')).ToHashSet();
    }

    /// <summary>
    /// The acknowledged spans the store does not have, as "trace/span" (empty when every one is there). Reads
    /// with a few requests in flight: a crash test acknowledges a few thousand traces.
    /// </summary>
    public async Task<IReadOnlyList<string>> MissingAsync(IEnumerable<SentTraceIds> acknowledged)
    {
        var missing = new List<string>();
        await Parallel.ForEachAsync(acknowledged, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (trace, _) =>
        {
            var stored = await SpanIdsAsync(trace.TraceId);
            var lost = trace.SpanIds.Where(id => !stored.Contains(id)).Select(id => $"{trace.TraceId}/{id}").ToList();
            if (lost.Count > 0) lock (missing) missing.AddRange(lost);
        });
        return missing;
    }

    /// <summary>
    /// The acknowledged spans not stored exactly once, as "trace/span: missing" or "trace/span: stored N times"
    /// (empty when every one is there once, e.g. not both in a replayed WAL and in the block written from it).
    /// </summary>
    public async Task<IReadOnlyList<string>> NotExactlyOnceAsync(IEnumerable<SentTraceIds> acknowledged)
    {
        var wrong = new List<string>();
        await Parallel.ForEachAsync(acknowledged, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (trace, _) =>
        {
            var stored = (await SpanIdListAsync(trace.TraceId)).CountBy(id => id).ToDictionary();
            var problems = trace.SpanIds
                .Select(id => (id, times: stored.GetValueOrDefault(id)))
                .Where(s => s.times != 1)
                .Select(s => $"{trace.TraceId}/{s.id}: " + (s.times == 0 ? "missing" : $"stored {s.times} times"))
                .ToList();
            if (problems.Count > 0) lock (wrong) wrong.AddRange(problems);
        });
        return wrong;
    }

    /// <summary>
    /// Polls <see cref="NotExactlyOnceAsync"/> until it finds nothing (the spans still on their way arrived) or the
    /// timeout passes, and returns its last finding. A poll whose request fails (a query that timed out on a starved
    /// machine) is retried at the next; when the deadline passes on a failed poll, the exception names what was
    /// awaited, how many polls answered, the last finding and the last error.
    /// </summary>
    public async Task<IReadOnlyList<string>> NotExactlyOnceWithinAsync(IReadOnlyCollection<SentTraceIds> acknowledged, TimeSpan timeout)
    {
        IReadOnlyList<string>? found = null;
        Exception? failure = null;
        int polls = 0, answered = 0;
        await Wait.HoldsWithinAsync(async () =>
        {
            polls++;
            try
            {
                found = await NotExactlyOnceAsync(acknowledged);
                answered++;
                failure = null;
                return found.Count == 0;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                failure = e;
                return false;
            }
        }, timeout);
        if (failure is not null || found is null)
            throw new Xunit.Sdk.XunitException(
                $"waiting {timeout.TotalSeconds:0} s until the {acknowledged.Sum(t => t.SpanIds.Count)} spans of {acknowledged.Count} acknowledged traces " +
                $"were stored exactly once: {answered} of {polls} polls of {_http.BaseAddress} answered, " +
                $"the last that did found {found?.Count.ToString() ?? "none"} wrong; the last failed with {failure}");
        return found;
    }

    public void Dispose() => _http.Dispose();
}
