using System.Text.Json.Nodes;
using Kubetrace.Tests.Storage;
using static Kubetrace.Tests.TestSupport.Spans;

namespace Kubetrace.Tests.Api;

/// <summary>
/// A search that names no time window looks back from the query server's clock (the query extension's
/// <c>ComponentSettings.Clock</c>), not from the machine's: its default window ends at the clock's now.
/// </summary>
public sealed class DefaultWindowClockTests
{
    [Theory]
    [InlineData("native", "/api/v1/search?service=apiserver", "traces", 1)] // lookback 1h
    [InlineData("jaeger", "/api/traces?service=apiserver", "data", 48)]    // lookback 48h
    public async Task A_search_without_a_window_finds_a_trace_until_its_lookback_has_passed_on_the_servers_clock(
        string api, string path, string list, int lookbackHours)
    {
        await using var temp = new TempStore();
        await temp.AppendAsync(Request(Resource("apiserver", Span(1, 1, 0, "GET /api/v1/pods", startMs: 0, durationMs: 10))));
        var started = DateTimeOffset.FromUnixTimeMilliseconds((long)(BaseTime / 1_000_000));
        var clock = new ManualClock(started + TimeSpan.FromHours(lookbackHours) - TimeSpan.FromMinutes(30));
        await using var host = await ApiHost.StartAsync(api, temp.Store, clock: clock);

        Assert.Single(await FoundAsync(host, path, list)); // half an hour inside the lookback

        clock.Advance(TimeSpan.FromHours(1));
        Assert.Empty(await FoundAsync(host, path, list)); // half an hour past it
    }

    private static async Task<JsonArray> FoundAsync(ApiHost host, string path, string list) =>
        JsonNode.Parse(await host.Client.GetStringAsync(path))![list]!.AsArray();
}
