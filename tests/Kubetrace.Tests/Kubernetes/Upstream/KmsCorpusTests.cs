using Kubetrace.Kubernetes.Analyses;
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
    public static TheoryData<string> Releases => new("1.27", "1.34", "1.36");

    private static bool IsTransform(EmittedSpan span) =>
        span.Name is StorageNames.TransformFromStorage or StorageNames.TransformToStorage;

    /// <summary>Each envelope span as name, parent, attribute keys and event names in order.</summary>
    private static SortedSet<string> Shapes(ExportedSpans spans) => new(
        spans.Of("apiserver").Where(IsTransform).Select(s =>
            $"{s.Name} < {spans.Parent(s)!.Name} [{string.Join(",", s.AttributeKeys)}] {string.Join(" > ", s.Span.Events.Select(e => e.Name))}"),
        StringComparer.Ordinal);

    [Theory]
    [MemberData(nameof(Releases))]
    public void The_simulators_envelope_spans_have_the_corpus_names_parents_attributes_and_events(string release)
    {
        var corpus = Shapes(new ExportedSpans(UpstreamCorpus.Requests("kms", release)));
        var simulated = SimulatedReleases.Of(release, SimulationScenario.KmsSlow, seconds: 20);

        // kms-slow plants the DEK cache miss of secret-get-dek-miss.json on every read from etcd; the simulator also
        // decrypts under List(recursive=true) etcd3, a parent the corpus does not show.
        var written = Shapes(simulated);
        Assert.Subset(written, corpus);
        Assert.Equal(corpus.Select(s => s.Split(" < ")[0] + s[s.IndexOf(" [", StringComparison.Ordinal)..]).ToHashSet(),
            written.Select(s => s.Split(" < ")[0] + s[s.IndexOf(" [", StringComparison.Ordinal)..]).ToHashSet());
        if (release == "1.27") Assert.Empty(corpus);
        else Assert.Equal(2, corpus.Count);
    }

    [Fact]
    public void A_write_never_waits_for_the_KMS_plugin_even_when_the_plugin_is_slow()
    {
        // envelope.go TransformToStorage takes the DEK from t.stateFunc() (v0.34.0 #L245): the plugin is not called.
        var simulated = SimulatedReleases.Of("1.34", SimulationScenario.KmsSlow, seconds: 20);
        var writes = simulated.Of("apiserver").Where(s => s.Name == StorageNames.TransformToStorage).ToList();

        Assert.NotEmpty(writes);
        Assert.All(writes, w => Assert.True(w.Milliseconds < 1, $"{w.Milliseconds} ms"));
        Assert.All(writes, w => Assert.DoesNotContain(w.Span.Events, e => e.Name == StorageEvents.DecryptDekRemote));
        var planted = simulated.Report.SlowKms!;
        // Only reads wait: the report counts the decryptions and the requests that made one.
        Assert.Equal(simulated.Of("apiserver").Count(s => s.Name == StorageNames.TransformFromStorage), planted.Transforms);
        Assert.InRange(planted.Requests, 1, planted.Transforms);
    }

    private static ApiserverLatencyReport Analyse(string release)
    {
        var analysis = new ApiserverLatencyAnalysis(TimeRange.All);
        foreach (var trace in UpstreamCorpus.Traces(UpstreamCorpus.Requests("kms", release), analysis.ScanRequest)) analysis.Add(trace);
        return analysis.Report();
    }

    [Theory]
    [InlineData("1.34")]
    [InlineData("1.36")]
    public void A_remote_DEK_decryption_is_the_KMS_share_of_a_secret_read_and_not_etcds(string release)
    {
        var report = Analyse(release);

        var get = Assert.Single(report.Groups, g => (g.Verb, g.Resource) == ("get", "secrets"));
        Assert.Equal(201.174, get.P50Ms, 3);
        Assert.Equal(200.1 / 201.174, get.Shares.Encryption, 3);
        Assert.Equal(0.76 / 201.174, get.Shares.Etcd, 3);
        var create = Assert.Single(report.Groups, g => (g.Verb, g.Resource) == ("create", "secrets"));
        Assert.Equal(0.05 / 2.645, create.Shares.Encryption, 3);
        Assert.Equal("99%", Assert.Single(ApiserverLatencyAnalysis.Table(report).Rows, r => r[1] == "secrets" && r[0] == "get")[11]);
    }

    [Fact]
    public void Before_1_29_the_decryption_has_no_span_and_its_time_is_the_handlers_own()
    {
        var report = Analyse("1.27");

        var get = Assert.Single(report.Groups, g => (g.Verb, g.Resource) == ("get", "secrets"));
        Assert.Equal(201.154, get.P50Ms, 3);
        Assert.Equal(0, get.Shares.Encryption);
        Assert.True(get.Shares.Rest > 0.99, $"Rest {get.Shares.Rest}");
        Assert.Contains(ApiserverLatencyAnalysis.Table(report).Notes, n => n.Contains("before 1.29", StringComparison.Ordinal));
    }
}
