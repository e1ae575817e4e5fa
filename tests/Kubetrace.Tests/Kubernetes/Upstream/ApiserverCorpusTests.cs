using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Kubetrace.Analysis;
using Kubetrace.Kubernetes.Analyses;
using Kubetrace.Storage;

namespace Kubetrace.Tests.Kubernetes.Upstream;

/// <summary>
/// The apiserver and webhook analyses on upstream-shaped traces of every release in the corpus give the planted
/// answers of its READMEs: request extents (1.33 rebuilt from the children), watches left out, nested filters
/// charged only their own time, the slow webhook's time, authentication where each release can tell it.
/// </summary>
public sealed class ApiserverCorpusTests
{
    private const string Component = "apiserver";
    private const double Ms = 1e6;

    /// <summary>Planted: when the create request (create-slow-webhook.json) starts and ends, in ms after its arrival, as the release lets one see it.</summary>
    private static (double From, double To) CreateExtent(int minor) => minor switch
    {
        <= 32 => (0.00, 329.10), // the server span, around authentication
        33 => (0.60, 329.00),    // after authentication (a trace of its own); the server span ends after audit: the handler's end
        _ => (0.60, 329.10),     // after authentication (a trace of its own)
    };

    private static int Minor(string release) => int.Parse(release.Split('.')[1], System.Globalization.CultureInfo.InvariantCulture);

    private static ApiserverLatencyReport Apiserver(string release)
    {
        var analysis = new ApiserverLatencyAnalysis(TimeRange.All);
        foreach (var trace in UpstreamCorpus.Traces(UpstreamCorpus.Requests(Component, release), analysis.ScanRequest)) analysis.Add(trace);
        return analysis.Report();
    }

    private static List<ApiserverRequest> Requests(string release, string file)
    {
        var walker = new ApiserverRequestWalker(TimeRange.All);
        var found = new List<ApiserverRequest>();
        foreach (var trace in UpstreamCorpus.Traces([UpstreamCorpus.Request(Component, release, file)], walker.Attributes.Request))
            walker.Walk(trace, r => found.Add(Copy(r)));
        return found;
    }

    private static ApiserverRequest Copy(ApiserverRequest r)
    {
        var copy = new ApiserverRequest { Root = r.Root, Verb = r.Verb, Resource = r.Resource, StartUnixNano = r.StartUnixNano, EndUnixNano = r.EndUnixNano, PhaseTime = [.. r.PhaseTime] };
        copy.Webhooks.AddRange(r.Webhooks);
        return copy;
    }

    [Theory]
    [MemberData(nameof(UpstreamCorpus.ApiserverReleases), MemberType = typeof(UpstreamCorpus))]
    public void The_create_request_lasts_its_planted_extent_and_the_slow_webhook_295_ms_of_it(string release)
    {
        var request = Assert.Single(Requests(release, "create-slow-webhook"));
        var (from, to) = CreateExtent(Minor(release));

        Assert.Equal(("create", "pods"), (request.Verb, request.Resource));
        Assert.Equal((to - from) * Ms, request.DurationNanos, tolerance: 1_000);
        var podPolicy = Assert.Single(request.Webhooks, w => w.Name == "pod-policy.example.com");
        Assert.Equal(295 * Ms, request.PhaseTime[podPolicy.Phase], tolerance: 1_000); // 300 ms, of which 10 beside quota.example.com
        Assert.Equal(request.DurationNanos, request.PhaseTime.Sum(), tolerance: 1_000);
    }

    [Theory]
    [MemberData(nameof(UpstreamCorpus.ApiserverReleases), MemberType = typeof(UpstreamCorpus))]
    public void Watches_are_recognised_in_every_release_and_kept_out_of_latency(string release)
    {
        var report = Apiserver(release);

        Assert.Equal(Minor(release) >= 36 ? 2 : 1, report.LongRunningLeftOut); // the watch, and 1.36's streaming list
        Assert.DoesNotContain(report.Groups, g => g.Verb == "watch");
        Assert.All(report.Groups, g => Assert.True(g.P99Ms < 400, $"{g.Verb} {g.Resource}: p99 {g.P99Ms} ms"));
        var list = Assert.Single(report.Groups, g => g.Verb == "list");
        Assert.Equal(1, list.Count);
    }

    [Theory]
    [MemberData(nameof(UpstreamCorpus.ApiserverReleases), MemberType = typeof(UpstreamCorpus))]
    public void A_GETs_handler_time_is_never_charged_to_a_filter(string release)
    {
        var get = Assert.Single(Apiserver(release).Groups, g => g.Verb == "get");
        var minor = Minor(release);

        // The GET: handler 1.00–3.40 ms (KV/Range 0.7 ms, SerializeObject 1.1 ms); authorization 0.80–1.00 and 3.40–3.42.
        Assert.Equal(minor >= 33 ? 3 : 2, get.Count);
        if (minor >= 34)
        {
            Assert.Equal(0.22 / 2.90, get.Shares.Authorization!.Value, 3);
            Assert.Equal(0.09 / 2.90, get.Shares.PriorityAndFairness!.Value, 3);
            Assert.Equal(0.65 / 2.90, get.Shares.Rest, 3);
        }
        else
        {
            Assert.Null(get.Shares.Authorization);
            Assert.Null(get.Shares.PriorityAndFairness);
        }
        Assert.Equal(1.1 / (minor <= 32 ? 3.50 : minor == 33 ? 2.80 : 2.90), get.Shares.Serialization, 3);
    }

    [Fact]
    public void Release_1_33_requests_are_rebuilt_from_the_broken_server_span_not_60_us_of_Rest()
    {
        // 1.33's server span ends right after the audit filter (tracing runs after authentication while trackCompleted
        // still ends SpanFromContext): taken alone, each request lasted tens of µs, all of it "Rest".
        var report = Apiserver("1.33");

        var get = Assert.Single(report.Groups, g => g.Verb == "get");
        Assert.Equal(2.80, get.P50Ms, 1); // the handler's 1.00–3.40 ms and the filters after the audit filter's start
        Assert.InRange(get.Shares.Rest, 0.01, 0.5);
        Assert.All(report.Groups, g => Assert.True(g.P50Ms > 1 && g.Shares.Rest < 0.5, $"{g.Verb} {g.Resource}: p50 {g.P50Ms} ms, rest {g.Shares.Rest}"));
    }

    [Theory]
    [MemberData(nameof(UpstreamCorpus.ApiserverReleases), MemberType = typeof(UpstreamCorpus))]
    public void Authentication_is_a_share_through_132_its_own_distribution_in_133_and_na_after(string release)
    {
        var report = Apiserver(release);
        var get = Assert.Single(report.Groups, g => g.Verb == "get");
        var minor = Minor(release);

        if (minor <= 32)
        {
            Assert.Equal(0.50 / 3.50, get.Shares.Authentication!.Value, 3);
            Assert.Null(report.SeparateAuthentication);
            return;
        }
        Assert.Null(get.Shares.Authentication); // never 0%: no request span says
        var authentication = report.SeparateAuthentication!;
        Assert.Equal(minor >= 36 ? 7 : 6, authentication.Spans); // every request but the system:masters one without traceparent
        if (minor == 33)
        {
            Assert.Equal(0.50, authentication.P50Ms!.Value, 1);
            Assert.Null(authentication.NotApplicable);
            Assert.Contains(ApiserverLatencyAnalysis.Table(report).Rows, row => row[0] == "(authentication)");
        }
        else
        {
            Assert.Null(authentication.P50Ms);
            Assert.Contains("lasts until its request ends", authentication.NotApplicable);
            Assert.Contains(ApiserverLatencyAnalysis.Table(report).Notes!, note => note.StartsWith("Authentication: n/a", StringComparison.Ordinal));
        }
    }

    [Theory]
    [MemberData(nameof(UpstreamCorpus.ApiserverReleases), MemberType = typeof(UpstreamCorpus))]
    public void Every_row_of_the_table_says_the_traces_it_rests_on_and_1_33s_authentication_row_its_own(string release)
    {
        var table = TableJson(Apiserver(release));
        var rows = table["rows"]!.AsArray();

        Assert.Equal(AnalysisJson.TracesColumn, table["columns"]!.AsArray()[^1]!.GetValue<string>());
        Assert.Equal(rows.Count, table["samples"]!.AsArray().Count);
        Assert.StartsWith("Rests on ", table["notes"]!.AsArray()[0]!.GetValue<string>());
        var authentication = rows.Select((row, i) => (Row: row!.AsArray(), Index: i)).Where(r => r.Row[0]!.GetValue<string>() == "(authentication)").ToList();
        if (Minor(release) != 33)
        {
            Assert.Empty(authentication); // through 1.32 a share of each request; from 1.34 n/a
            return;
        }
        var (row, index) = Assert.Single(authentication);
        Assert.Equal("6", row[^1]!.GetValue<string>()); // its six one-span traces
        Assert.Equal(6, table["samples"]![index]!["sampled"]!.GetValue<long>());
        Assert.NotNull(table["examples"]![index]!["slowest"]);
        Assert.Contains("name = \"authentication\"", table["searches"]![index]!["traceQl"]!.GetValue<string>());
    }

    [Theory]
    [MemberData(nameof(UpstreamCorpus.ApiserverReleases), MemberType = typeof(UpstreamCorpus))]
    public void The_report_read_back_from_the_rollup_is_the_same_authentication_row_included(string release)
    {
        var analysis = new ApiserverLatencyAnalysis(TimeRange.All);
        foreach (var trace in UpstreamCorpus.Traces(UpstreamCorpus.Requests(Component, release), analysis.ScanRequest)) analysis.Add(trace);

        var read = ApiserverLatencyAnalysis.Rollup.Read(Kubetrace.Analysis.Rollups.StateRollup<ApiserverLatencyAnalysis>.ToBytes(analysis));

        Assert.Equal(JsonSerializer.Serialize(analysis.Report(), AnalysisJson.Options), JsonSerializer.Serialize(read.Report(), AnalysisJson.Options));
    }

    /// <summary>The table as the API and <c>--json</c> write it.</summary>
    private static JsonNode TableJson(ApiserverLatencyReport report)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer)) AnalysisJson.Write(writer, ApiserverLatencyAnalysis.Table(report));
        return JsonNode.Parse(buffer.WrittenSpan)!;
    }

    [Theory]
    [MemberData(nameof(UpstreamCorpus.ApiserverReleases), MemberType = typeof(UpstreamCorpus))]
    public void The_slow_webhook_holds_its_share_of_the_p99_and_the_failing_one_its_error_rate(string release)
    {
        var analysis = new WebhookLatencyAnalysis(TimeRange.All);
        foreach (var trace in UpstreamCorpus.Traces(UpstreamCorpus.Requests(Component, release), analysis.ScanRequest)) analysis.Add(trace);
        var report = analysis.Report();
        var (from, to) = CreateExtent(Minor(release));

        var podPolicy = Assert.Single(report.Webhooks, w => w.Name == "pod-policy.example.com");
        Assert.Equal(295 / (to - from), podPolicy.ShareOfApiserverP99, 2);
        Assert.Equal(300, podPolicy.P99Ms, 0);
        var sidecar = Assert.Single(report.Webhooks, w => w.Name == "inject.sidecar.example.com");
        Assert.Equal((2, 0.5), (sidecar.Calls, sidecar.ErrorRate));
        Assert.Equal("inject.sidecar.example.com", report.Webhooks[0].Name); // failing first
    }
}
