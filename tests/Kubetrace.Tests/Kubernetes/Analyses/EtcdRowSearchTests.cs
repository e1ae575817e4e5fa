using Kubetrace.Analysis;
using Kubetrace.Kubernetes.Analyses;
using Kubetrace.Kubernetes.Analyses.Storage;
using Kubetrace.Kubernetes.Simulation;
using Kubetrace.Query;
using Kubetrace.Query.Budget;
using Kubetrace.Query.TraceQl;
using Kubetrace.Storage;
using Kubetrace.Tests.Storage;

namespace Kubetrace.Tests.Kubernetes.Analyses;

/// <summary>
/// Every <c>etcd</c> row's pre-filled TraceQL search finds exactly the calls the row counts, the rows no span names a
/// resource for included: <c>(compaction)</c> (the compactor's election on <c>compact_rev_key</c>, read from etcd
/// 3.7's request span, and its <c>KV/Compact</c>) and <c>(unknown)</c> (the election before etcd 3.7, whose spans
/// name no key). Each <c>etcd-timeline</c> bucket's search holds every call of the bucket, marked inexact: it finds
/// the traces overlapping the bucket, and the calls it lists that start in the bucket are exactly the bucket's.
/// </summary>
public sealed class EtcdRowSearchTests
{
    /// <summary>Read limits that hold every call of the data: the search is compared whole, not as the UI's first page.</summary>
    private static readonly QueryLimits Unbounded = new() { MaxSpansPerQuery = int.MaxValue, MaxBytesPerQuery = long.MaxValue, QueryTimeout = TimeSpan.FromMinutes(10) };

    [Theory]
    [InlineData("1.27", "3.5")]
    [InlineData("1.33", "3.6")]
    [InlineData("1.34", "3.7")]
    public async Task Each_etcd_rows_search_finds_exactly_the_calls_the_row_counts(string release, string etcd)
    {
        await using var store = await SimulatedStoreAsync(release, etcd);
        var result = await EtcdLatencyAnalysis.Definition.RunAsync(
            new AnalysisRequest(new QueryEngine(store.Store), TimeRange.All, new Dictionary<string, string>()), CancellationToken.None);
        var report = (EtcdLatencyReport)result.Data;
        Assert.Equal(report.Operations.Count, result.Table.Searches.Count);

        var unnamed = new List<string>();
        foreach (var (row, search) in report.Operations.Zip(result.Table.Searches))
        {
            var name = $"{release}/{etcd}: {row.Method} {row.StorageOperation} {row.Resource} on {row.MeasuredOn}";
            if (row.Resource.StartsWith('(')) unnamed.Add($"{row.Resource} {row.Method}");
            if (search is null)
            {
                Assert.False(row.Resource.StartsWith('('), $"{name} has no search");
                continue;
            }
            var spans = await MatchedSpansAsync(store.Store, search, TimeRange.All);
            Assert.True(row.Sample.Sampled == spans.Count, $"{name}: {spans.Count} calls found, the row counts {row.Sample.Sampled} ({search.TraceQl})");
        }
        // The compactor's calls are on both rows before etcd 3.7 and only on (compaction) from it.
        Assert.Contains("(compaction) KV/Compact", unnamed);
        Assert.Contains(etcd == "3.7" ? "(compaction) KV/Txn" : "(unknown) KV/Txn", unnamed);
    }

    [Fact]
    public async Task Each_etcd_timeline_buckets_search_holds_exactly_its_calls_among_those_starting_in_it_and_says_it_finds_more()
    {
        await using var store = await SimulatedStoreAsync("1.34", "3.7");
        var result = await EtcdTimelineAnalysis.Definition.RunAsync(
            new AnalysisRequest(new QueryEngine(store.Store), TimeRange.All, new Dictionary<string, string>()), CancellationToken.None);
        var report = (EtcdTimelineReport)result.Data;
        Assert.True(report.Buckets.Count(b => b.Calls > 0) >= 2, "the data crosses a minute: two buckets of calls");
        Assert.Equal(report.Buckets.Count, result.Table.Searches.Count);

        foreach (var (bucket, search) in report.Buckets.Zip(result.Table.Searches))
        {
            if (bucket.Calls == 0)
            {
                Assert.Null(search);
                continue;
            }
            Assert.Equal(EtcdBucketSearch.Why, search!.Inexact);
            Assert.Equal(bucket.StartUnixNano, search.Start);
            Assert.Equal(bucket.StartUnixNano + report.BucketSeconds * 1_000_000_000, search.End);
            var range = new TimeRange(search.Start!.Value, search.End!.Value);
            var spans = await MatchedSpansAsync(store.Store, search, range);
            var inBucket = spans.Count(s => s.StartUnixNano >= range.StartUnixNano && s.StartUnixNano < range.EndUnixNano);
            Assert.True(bucket.Sample.Sampled == inBucket, $"bucket {bucket.StartUnixNano}: {inBucket} calls found starting in it, the bucket counts {bucket.Sample.Sampled}");
        }
    }

    /// <summary>20 seconds of a cluster across a minute's edge, the compactor's run (10 s after the start) in it.</summary>
    private static async Task<TempStore> SimulatedStoreAsync(string release, string etcd)
    {
        var store = new TempStore();
        Assert.True(EtcdVersions.TryParse(etcd, out var etcdVersion));
        var simulator = new ClusterSimulator(new SimulationOptions
        {
            KubernetesVersion = KubernetesVersion.Parse(release), Etcd = etcdVersion,
            Scenarios = SimulationScenario.EtcdSlow | SimulationScenario.SlowWebhook,
            Start = new DateTimeOffset(2026, 3, 2, 10, 0, 50, TimeSpan.Zero), Duration = TimeSpan.FromSeconds(20), Seed = 7,
        });
        foreach (var batch in simulator.Batches()) await store.AppendAsync(batch.Request);
        return store;
    }

    /// <summary>The distinct spans of the search's spansets.</summary>
    private static async Task<List<SpanRecord>> MatchedSpansAsync(ITraceStore store, RowSearch search, TimeRange range)
    {
        var found = await new TraceQlSearch(store, Unbounded).SearchAsync(
            new TraceQlSearchRequest(Parser.Parse(search.TraceQl!), range, Unbounded.MaxResultLimit), CancellationToken.None);
        Assert.Null(found.Incomplete);
        Assert.True(found.Traces.Count < Unbounded.MaxResultLimit, "the search found as many traces as it may answer");
        return found.Traces.SelectMany(t => t.Spansets.SelectMany(s => s.Spans)).Distinct().ToList();
    }
}
