using System.Text.Json;
using Kubetrace.Analysis;
using Kubetrace.Kubernetes.Analyses;
using Kubetrace.Otlp.Proto.Collector;
using Kubetrace.Kubernetes.Catalog;
using Kubetrace.Kubernetes.Simulation;
using Kubetrace.Storage;
using Kubetrace.Tests.Kubernetes.Simulation;

namespace Kubetrace.Tests.Kubernetes.Upstream;

/// <summary>
/// KMS v2 encryption at rest on the upstream-shaped corpus (TestData/Upstream/kms/&lt;release&gt;, its README citing
/// envelope.go and store.go at the tag and giving the planted truth): the simulator's envelope transformer spans have
/// the corpus's names, parents, attributes and events per release (none before 1.29), a write never waits for the
/// plugin, and the apiserver analysis charges a remote DEK decryption to KMS and not to etcd.
/// </summary>
public sealed class KmsCorpusTests
{
    private static bool IsTransform(EmittedSpan span) =>
        span.Name is StorageNames.TransformFromStorage or StorageNames.TransformToStorage;

    /// <summary>Each envelope span as name, parent, attribute keys and event names in order.</summary>
    private static SortedSet<string> Shapes(ExportedSpans spans) => new(
        spans.Of("apiserver").Where(IsTransform).Select(s =>
            $"{s.Name} < {spans.Parent(s)!.Name} [{string.Join(",", s.AttributeKeys)}] {string.Join(" > ", s.Span.Events.Select(e => e.Name))}"),
        StringComparer.Ordinal);

    /// <summary>A shape without its parent: name, attribute keys and events.</summary>
    private static HashSet<string> WithoutParents(IEnumerable<string> shapes) =>
        shapes.Select(s => s.Split(" < ")[0] + s[s.IndexOf(" [", StringComparison.Ordinal)..]).ToHashSet();

    [Theory]
    [InlineData("1.34")]
    [InlineData("1.36")]
    public void The_simulators_envelope_spans_have_the_corpus_names_parents_attributes_and_events(string release)
    {
        var corpus = Shapes(new ExportedSpans(UpstreamCorpus.Requests("kms", release)));
        // With secrets' watch cache on (the default) the reads are GETs under cacher.Get that hit the DEK cache the
        // cacher's start-up list filled (secret-get-dek-cached.json) until a DEK's entry expired after 24 h and a write
        // collected it; the next read of that DEK misses (secret-get-dek-miss.json): a run past the TTL shows both.
        var simulated = SimulatedReleases.PastDekTtl(release);

        var written = Shapes(simulated);
        Assert.Equal(3, corpus.Count);
        Assert.Subset(written, corpus); // the simulator also encrypts under GuaranteedUpdate etcd3, which the corpus does not show
        Assert.Equal(WithoutParents(corpus), WithoutParents(written));
    }

    [Theory]
    [InlineData("1.34")]
    [InlineData("1.36")]
    public void Without_secrets_watch_cache_as_kms_slow_plants_it_the_corpus_reads_hang_under_the_handler_instead_of_cacher_Get(string release)
    {
        // --watch-cache-sizes=secrets#0: generic.UndecoratedStorage (pkg/server/options/etcd.go#L449-#L451 at v0.34.0
        // and v0.36.0), so store.Get runs under the handler's span with no cacher.Get between.
        var corpusReads = Shapes(new ExportedSpans(UpstreamCorpus.Requests("kms", release)))
            .Where(s => s.StartsWith(StorageNames.TransformFromStorage, StringComparison.Ordinal))
            .Select(s => s.Replace($" < {StorageNames.CacherGet} [", " < Get [", StringComparison.Ordinal)).ToList();
        var simulated = SimulatedReleases.Of(release, SimulationScenario.KmsSlow, seconds: 20);

        Assert.Equal(2, corpusReads.Count);
        Assert.Subset(Shapes(simulated), corpusReads.ToHashSet());
    }

    [Fact]
    public void Before_1_29_neither_the_corpus_nor_the_simulator_has_an_envelope_span()
    {
        Assert.Empty(Shapes(new ExportedSpans(UpstreamCorpus.Requests("kms", "1.27"))));
        Assert.Empty(Shapes(SimulatedReleases.Of("1.27", SimulationScenario.KmsSlow, seconds: 20)));
    }

    [Fact]
    public void A_write_never_waits_for_the_KMS_plugin_even_when_the_plugin_is_slow()
    {
        // envelope.go TransformToStorage takes the DEK from t.stateFunc() (v0.34.0 #L245): the plugin is not called.
        // Only decryptions whose DEK is not cached call it (DekDecryptions): reads, and without secrets' watch cache
        // (which kms-slow turns off) an update's read of the stored object first.
        var simulated = SimulatedReleases.Of("1.34", SimulationScenario.KmsSlow, seconds: 20);
        var writes = simulated.Of("apiserver").Where(s => s.Name == StorageNames.TransformToStorage).ToList();

        Assert.NotEmpty(writes);
        Assert.All(writes, w => Assert.True(w.Milliseconds < 1, $"{w.Milliseconds} ms"));
        Assert.All(writes, w => Assert.DoesNotContain(w.Span.Events, e => e.Name == StorageEvents.DecryptDekRemote));
        var planted = simulated.Report.SlowKms!;
        // Only reads wait: the report counts the decryptions and the requests that made one.
        Assert.Equal(simulated.Of("apiserver").Count(s => s.Name == StorageNames.TransformFromStorage &&
            s.Span.Events.Any(e => e.Name == StorageEvents.DecryptDekRemote)), planted.DekDecryptions);
        Assert.InRange(planted.Requests, 1, planted.DekDecryptions);
    }

    private static ApiserverLatencyReport Analyse(params IReadOnlyList<ExportTraceServiceRequest>[] corpora)
    {
        var analysis = new ApiserverLatencyAnalysis(TimeRange.All);
        foreach (var trace in UpstreamCorpus.Traces(corpora.SelectMany(c => c), analysis.ScanRequest)) analysis.Add(trace);
        return analysis.Report();
    }

    /// <summary>The create and the first read of the secret (its DEK not cached yet).</summary>
    private static ApiserverLatencyReport Analyse(string release) =>
        Analyse([UpstreamCorpus.Request("kms", release, "secret-create"), UpstreamCorpus.Request("kms", release, "secret-get-dek-miss")]);

    [Theory]
    [InlineData("1.34")]
    [InlineData("1.36")]
    public void A_remote_DEK_decryption_is_the_KMS_share_of_a_secret_read_and_not_etcds(string release)
    {
        var report = Analyse(release);

        var get = Assert.Single(report.Groups, g => (g.Verb, g.Resource) == ("get", "secrets"));
        Assert.Equal(201.174, get.P50Ms, 3);
        Assert.Equal(200.1 / 201.174, get.Shares.Encryption!.Value, 3);
        Assert.Equal(0.76 / 201.174, get.Shares.Etcd, 3);
        var create = Assert.Single(report.Groups, g => (g.Verb, g.Resource) == ("create", "secrets"));
        Assert.Equal(0.05 / 2.645, create.Shares.Encryption!.Value, 3);
        Assert.Equal("99%", Assert.Single(ApiserverLatencyAnalysis.Table(report).Rows, r => r[1] == "secrets" && r[0] == "get")[11]);
    }

    [Theory]
    [InlineData("1.34")]
    [InlineData("1.36")]
    public void A_read_whose_DEK_is_cached_spends_only_the_local_decryption_in_KMS(string release)
    {
        var report = Analyse([UpstreamCorpus.Request("kms", release, "secret-get-dek-cached")]);

        var get = Assert.Single(report.Groups);
        Assert.Equal(("get", "secrets"), (get.Verb, get.Resource));
        Assert.Equal(1.174, get.P50Ms, 3);
        Assert.Equal(0.1 / 1.174, get.Shares.Encryption!.Value, 3);
        Assert.Equal(0.76 / 1.174, get.Shares.Etcd, 3);
    }

    [Fact]
    public void Each_row_links_the_requests_it_classified_the_slowest_and_the_one_nearest_its_median()
    {
        // get secrets: the first read (DEK decrypted by the plugin, 201 ms) and the cached one (1.2 ms), both at
        // the server span whose verb and resource the handler span below it gave.
        var report = Analyse(UpstreamCorpus.Requests("kms", "1.34"));

        var get = Assert.Single(report.Groups, g => (g.Verb, g.Resource) == ("get", "secrets")).Examples!;
        Assert.Equal(new RowExample("487f57ab3ca97c06b3d36c671bb953d9", "dc9372b4b6993d3a", 201.174), get.Slowest);
        Assert.Equal(new RowExample("487f57ab3ca97c06b3d36c671bb9cafe", "dc9372b4b6993d3a", 1.174), get.Typical);
        var create = Assert.Single(report.Groups, g => (g.Verb, g.Resource) == ("create", "secrets")).Examples!;
        Assert.Equal(new RowExample("c5b1f0a15768a676250e09bb274f0701", "90a0dd17bb7c1ab4", 2.645), create.Slowest);
        var table = ApiserverLatencyAnalysis.Table(report);
        Assert.Equal(report.Groups.Select(g => g.Examples), table.Examples);
    }

    [Fact]
    public void Before_1_29_the_decryption_has_no_span_its_time_is_the_handlers_own_and_the_KMS_share_is_not_applicable()
    {
        var report = Analyse("1.27");

        var get = Assert.Single(report.Groups, g => (g.Verb, g.Resource) == ("get", "secrets"));
        Assert.Equal(201.154, get.P50Ms, 3);
        Assert.Null(get.Shares.Encryption);
        Assert.True(get.Shares.Rest > 0.99, $"Rest {get.Shares.Rest}");
        var table = ApiserverLatencyAnalysis.Table(report);
        Assert.Equal("KMS", table.Columns[11]);
        Assert.All(table.Rows, r => Assert.Equal("n/a", r[11]));
        Assert.Contains(table.Notes, n => n.StartsWith("KMS: n/a", StringComparison.Ordinal) && n.Contains("before 1.29", StringComparison.Ordinal));
        // n/a, not 0: written as null in the JSON, not left out.
        var json = JsonSerializer.SerializeToNode(report, AnalysisJson.Options)!;
        var shares = json["groups"]![0]!["shares"]!.AsObject();
        Assert.True(shares.ContainsKey("encryption") && shares["encryption"] is null, shares.ToJsonString());
    }

    [Fact]
    public void Where_some_request_carries_an_envelope_span_a_request_without_one_spends_a_real_0_percent_in_KMS()
    {
        // 1.34 without KMS (the storage corpus) cannot tell; beside the KMS corpus its pod reads spend nothing in KMS.
        var alone = Analyse(UpstreamCorpus.Requests("storage", "1.34"));
        var beside = Analyse(UpstreamCorpus.Requests("storage", "1.34"), UpstreamCorpus.Requests("kms", "1.34"));

        Assert.All(alone.Groups, g => Assert.Null(g.Shares.Encryption));
        Assert.Equal(0, alone.RequestsWithEnvelopeSpans);
        Assert.Equal(3, beside.RequestsWithEnvelopeSpans); // the create and both reads
        var pods = Assert.Single(beside.Groups, g => (g.Verb, g.Resource) == ("get", "pods"));
        Assert.Equal(0, pods.Shares.Encryption);
        Assert.Equal("0.0%", Assert.Single(ApiserverLatencyAnalysis.Table(beside).Rows, r => r[0] == "get" && r[1] == "pods")[11]);
    }
}
