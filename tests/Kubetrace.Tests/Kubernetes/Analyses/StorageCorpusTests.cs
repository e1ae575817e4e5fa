using Kubetrace.Kubernetes.Analyses;
using Kubetrace.Kubernetes.Analyses.Storage;
using Kubetrace.Otlp.Json;
using Kubetrace.Storage;
using Kubetrace.Storage.Scan;
using Kubetrace.Tests.Storage;
using Kubetrace.Tests.TestSupport;

namespace Kubetrace.Tests.Kubernetes.Analyses;

/// <summary>
/// The storage analyses on the upstream-shaped corpus (TestData/Upstream/storage/&lt;release&gt;, .../etcd/&lt;release&gt;:
/// traces built as each release's source builds them, their README naming the lines and the planted truth),
/// stored in the embedded store and scanned as the analyses run in production: each gives the planted answer on
/// every release.
/// </summary>
public sealed class StorageCorpusTests
{
    public static TheoryData<string> KubernetesReleases => new("1.27", "1.33", "1.34", "1.36");

    public static TheoryData<string> EtcdReleases => new("3.5", "3.6", "3.7");

    private static async Task<T> AnalyseAsync<T>(string folder, T analysis, Func<T, SpanScanRequest> request, Action<T, ScannedTrace> add)
    {
        await using var temp = new TempStore();
        foreach (var file in Directory.GetFiles(Path.Combine(RepoPaths.Root, "tests", "Kubetrace.Tests", "TestData", "Upstream", folder), "*.json"))
            await temp.AppendAsync(OtlpJson.ParseRequest(await File.ReadAllBytesAsync(file)));
        await temp.Store.ScanAsync(request(analysis), trace => add(analysis, trace), CancellationToken.None);
        return analysis;
    }

    private static async Task<EtcdLatencyReport> EtcdAsync(string folder) =>
        (await AnalyseAsync(folder, new EtcdLatencyAnalysis(TimeRange.All), a => a.ScanRequest, (a, t) => a.Add(t))).Report();

    [Theory]
    [MemberData(nameof(KubernetesReleases))]
    public async Task Etcd_names_every_call_by_resource_and_operation_and_puts_the_planted_slow_leases_first(string release)
    {
        var report = await EtcdAsync($"storage/{release}");
        var minor = int.Parse(release[2..], System.Globalization.CultureInfo.InvariantCulture);

        Assert.DoesNotContain(report.Operations, o => o.Resource == StorageResource.Unknown);
        var first = report.Operations[0];
        Assert.Equal(("leases.coordination.k8s.io", "KV/Txn", "GuaranteedUpdate etcd3", 10L), (first.Resource, first.Method, first.StorageOperation, first.Calls));
        Assert.InRange(first.P99Ms, 250, 252.5);
        Assert.InRange(first.EtcdP99Ms!.Value, 247.5, 252.5);
        Assert.Contains(report.Operations, o => (o.Resource, o.Method, o.StorageOperation) == ("pods", "KV/Range", minor >= 32 ? "cacher.Get" : "Get"));
        Assert.Contains(report.Operations, o => (o.Resource, o.Method, o.StorageOperation) == ("pods", "KV/Txn", "GuaranteedUpdate etcd3")); // pods/binding
        Assert.Contains(report.Operations, o => (o.Resource, o.Method, o.StorageOperation) == ("configmaps", "KV/Txn", "Create etcd3"));
        Assert.Contains(report.Operations, o => (o.Resource, o.Method, o.StorageOperation) == ("events", "KV/Range", "List(recursive=true) etcd3"));
        Assert.Contains(report.Operations, o => (o.Resource, o.Method) == ("deployments.apps", "KV/Txn"));
        Assert.All(report.Operations, o => Assert.Equal("apiserver", o.MeasuredOn));
        Assert.All(report.Operations, o => Assert.Equal(o.Calls, o.EtcdSideCalls));
    }

    [Theory]
    [MemberData(nameof(KubernetesReleases))]
    public async Task Lists_says_where_each_list_was_served_and_how_many_objects_and_bytes(string release)
    {
        var report = (await AnalyseAsync($"storage/{release}", new ListsAnalysis(TimeRange.All), a => a.ScanRequest, (a, t) => a.Add(t))).Report();
        var minor = int.Parse(release[2..], System.Globalization.CultureInfo.InvariantCulture);
        var rows = report.Rows.ToDictionary(r => (r.Resource, r.Caller));

        Assert.Equal(3, report.Lists);
        var pods = rows[("pods", "kube-controller-manager")];
        Assert.Equal((ListsAnalysis.FromCache, 40.0, 120.0, 95_000.0), (pods.ServedFrom, pods.ObjectsReturned!.Mean, pods.ObjectsReadFromCache!.Mean, pods.BytesWritten!.Mean));
        var events = rows[("events", "kubectl")];
        Assert.Equal((ListsAnalysis.FromEtcd, 25.0, 30_000.0), (events.ServedFrom, events.ObjectsReturned!.Mean, events.BytesWritten!.Mean));
        Assert.Null(events.ObjectsReadFromCache); // an etcd list's storage span carries no count
        var configmaps = rows[("configmaps", "kubectl")];
        // A list without resourceVersion: etcd before ConsistentListFromCache (1.31), the watch cache after (its revision probe is not an etcd list).
        Assert.Equal((minor >= 31 ? ListsAnalysis.FromCache : ListsAnalysis.FromEtcd, 12.0), (configmaps.ServedFrom, configmaps.ObjectsReturned!.Mean));
        Assert.Equal("n/a", ListsAnalysis.Table(report).Rows.Single(r => r[0] == "events")[8]);
    }

    [Theory]
    [MemberData(nameof(EtcdReleases))]
    public async Task Etcd_timeline_shows_the_planted_slowness_in_the_minutes_of_the_compactions(string release)
    {
        var report = (await AnalyseAsync($"etcd/{release}", new EtcdTimelineAnalysis(TimeRange.All), a => a.ScanRequest, (a, t) => a.Add(t))).Report();

        Assert.Equal(11, report.Buckets.Count);
        Assert.Equal(2, report.Compactions);
        Assert.Equal([0, 5], report.Buckets.Select((b, i) => (b, i)).Where(x => x.b.Compactions > 0).Select(x => x.i));
        Assert.Null(report.Unanswered);
        Assert.InRange(report.P99NearCompactionMs!.Value, 79, 82);
        Assert.InRange(report.P99ElsewhereMs!.Value, 1.9, 2.5);
        var revisions = report.Buckets.Where(b => b.Compactions > 0).Select(b => b.CompactedRevision);
        Assert.Equal(release == "3.7" ? [1_000_000L, 1_000_500L] : new long?[] { null, null }, revisions); // only 3.7's compact span records the revision
    }

    [Theory]
    [MemberData(nameof(EtcdReleases))]
    public async Task Etcd_names_compactions_and_a_leases_grant_on_every_etcd_release(string release)
    {
        var report = await EtcdAsync($"etcd/{release}");

        Assert.Contains(report.Operations, o => (o.Resource, o.Method) == (StorageResource.Compaction, "KV/Compact"));
        Assert.Contains(report.Operations, o => (o.Resource, o.Method, o.StorageOperation) == ("events", "Lease/LeaseGrant", "Create etcd3"));
        // The compactor's election Txn has no span around it naming a key; etcd 3.7's txn span does (compact_rev_key).
        var election = Assert.Single(report.Operations, o => o.Method == "KV/Txn" && o.StorageOperation == "");
        Assert.Equal(release == "3.7" ? StorageResource.Compaction : StorageResource.Unknown, election.Resource);
    }

    [Fact]
    public async Task Etcd_timeline_without_compactions_answers_n_a_with_the_reason()
    {
        var report = (await AnalyseAsync("storage/1.34", new EtcdTimelineAnalysis(TimeRange.All), a => a.ScanRequest, (a, t) => a.Add(t))).Report();

        Assert.Equal(0, report.Compactions);
        Assert.StartsWith("n/a: no compaction in the range", report.Unanswered);
        Assert.Contains(EtcdTimelineAnalysis.Table(report).Notes, n => n.StartsWith("n/a", StringComparison.Ordinal));
    }
}
