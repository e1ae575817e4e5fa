using Kubetrace.Analysis;
using Kubetrace.Analysis.Red;
using Kubetrace.Storage;
using Kubetrace.Tests.Kubernetes.Upstream;
using Kubetrace.Tests.Storage;
using Kubetrace.Tests.TestSupport;
using SpanKind = Kubetrace.Otlp.Proto.Trace.Span.Types.SpanKind;

namespace Kubetrace.Tests.Analysis;

/// <summary>
/// A watch is a request whose span lasts as long as its client watches (the corpus's lasts 427 s, an informer's
/// timeoutSeconds): <c>red</c> counts it as a call of its operation, apart, and leaves it out of the percentiles.
/// The corpus (TestData/Upstream/apiserver/&lt;release&gt;) is built after each release's source: the watch's server
/// span is named as the list's (method and route, or KubernetesAPI before 1.31) and only its http.target says watch=true.
/// </summary>
public sealed class WatchStreamsTests
{
    private static async Task<RedRow> ServerRowAsync(string release, params string[] files)
    {
        await using var temp = new TempStore();
        foreach (var file in files) await temp.AppendAsync(UpstreamCorpus.Request("apiserver", release, file));
        var watchName = UpstreamCorpus.Traces([UpstreamCorpus.Request("apiserver", release, "watch")], new(TimeRange.All, []))
            .SelectMany(t => t.Spans).Single(s => s.Kind == SpanKind.Server).Name;
        var red = await RedAnalysis.ComputeAsync(temp.Store, TimeRange.All, "apiserver", CancellationToken.None);
        return Assert.Single(red.Operations, r => r.Operation == watchName && r.Kind == "server");
    }

    [Theory]
    [MemberData(nameof(UpstreamCorpus.ApiserverReleases), MemberType = typeof(UpstreamCorpus))]
    public async Task A_watch_of_minutes_counts_as_a_call_but_leaves_the_operations_p99_as_it_was(string release)
    {
        var without = await ServerRowAsync(release, "list", "get");
        var with = await ServerRowAsync(release, "list", "get", "watch");

        Assert.Equal(0, without.Watches);
        Assert.Equal((without.Calls + 1, 1L), (with.Calls, with.Watches));
        Assert.Equal((without.P50Nanos, without.P95Nanos, without.P99Nanos), (with.P50Nanos, with.P95Nanos, with.P99Nanos));
        Assert.InRange(with.P99Nanos, 1, 1_000_000_000); // the list's (and before 1.31 the get's) milliseconds, not the watch's 427 s
    }

    [Fact]
    public async Task An_operation_of_watches_only_has_no_percentiles_and_its_examples_are_the_watches()
    {
        await using var temp = new TempStore();
        await temp.AppendAsync(UpstreamCorpus.Request("apiserver", "1.34", "watch"));

        var red = await RedAnalysis.ComputeAsync(temp.Store, TimeRange.All, "apiserver", CancellationToken.None);

        var row = Assert.Single(red.Operations, r => r.Kind == "server");
        Assert.Equal((1L, 1L, 0L), (row.Calls, row.Watches, row.P99Nanos));
        Assert.NotNull(row.Examples);
        Assert.InRange(row.Examples.Slowest.DurationMs, 400_000, 430_000);
    }

    [Fact]
    public async Task The_red_table_has_a_watches_column_and_says_what_it_leaves_out()
    {
        await using var temp = new TempStore();
        foreach (var file in new[] { "list", "watch" }) await temp.AppendAsync(UpstreamCorpus.Request("apiserver", "1.34", file));
        var result = await AnalysisAnswers.RunAsync(AnalysisCatalog.Find("red")!, temp.Store, "");

        var table = result.Table;
        var watches = table.Columns.ToList().IndexOf("watches");
        Assert.True(watches > 0, string.Join(", ", table.Columns));
        Assert.Contains(table.Rows, r => r[watches] == "1");
        Assert.Contains(table.Notes, n => n.Contains("watch=true", StringComparison.Ordinal) && n.Contains("left out of the latency percentiles", StringComparison.Ordinal));
    }
}
