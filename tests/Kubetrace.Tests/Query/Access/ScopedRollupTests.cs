using Kubetrace.Analysis;
using Kubetrace.Exporters.Kubetrace;
using Kubetrace.Query;
using Kubetrace.Query.Access;
using Kubetrace.Storage;
using Kubetrace.Storage.Rollups;
using Kubetrace.Storage.Scan;
using Kubetrace.Tests.Api.Authorization;
using Kubetrace.Tests.Storage;
using Kubetrace.Tests.Storage.Rollups;

namespace Kubetrace.Tests.Query.Access;

/// <summary>
/// A namespace-scoped reader's rollup-backed analyses (<see cref="ITraceStore.ScanRolledUpAsync"/> through
/// <see cref="ScopedTraceStore"/>): a block's rollup sums every namespace, so the reader's answer must come from its
/// own spans and equal the answer over a store that has no rollups at all, while a reader granted all is answered
/// from the rollups.
/// </summary>
public sealed class ScopedRollupTests
{
    private static readonly ReadGrant TeamA = new(false, [NamespacePattern.TryParse("team-a", out _)!], false);

    [Fact]
    public async Task A_team_a_readers_rollup_backed_analyses_hold_no_figure_of_another_namespace()
    {
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        await using var rolled = new TempStore(dir => new StoreOptions
        {
            Directory = dir, Clock = clock, Rollups = KubetraceExporterConfig.AnalysisRollups(), RollupInterval = TimeSpan.FromHours(1), CompactionTargetSpans = 0,
        });
        await using var plain = new TempStore(dir => new StoreOptions { Directory = dir, CompactionTargetSpans = 0 });
        foreach (var store in new[] { rolled, plain })
        {
            await store.AppendAsync(ThreeNamespaces.Request());
            await store.Store.FlushHeadAsync();
        }
        RollupTraffic.SettleEveryBlock(clock);
        await rolled.Store.BuildRollupsAsync(CancellationToken.None);
        Assert.True(rolled.Store.GetStats().RollupsBuilt > 0);
        var counted = new RollupCounter(rolled.Store);

        var problems = new List<string>();
        var differ = 0;
        foreach (var analysis in AnalysisCatalog.All.Where(a => a.Rollup is not null))
        {
            var scoped = await RunAsync(analysis, new ScopedTraceStore(counted, TeamA));
            var leaks = ThreeNamespaces.ForeignToTeamA.Where(v => scoped.Contains(v, StringComparison.Ordinal)).ToList();
            if (leaks.Count > 0) problems.Add($"{analysis.Name} shows {string.Join(", ", leaks)} to a team-a reader");
            // The same figures as the reader's spans give where no rollup exists.
            var fromSpans = await RunAsync(analysis, new ScopedTraceStore(plain.Store, TeamA));
            if (fromSpans != scoped) problems.Add($"{analysis.Name} gives a team-a reader\n{scoped}\ninstead of its spans' figures\n{fromSpans}");
            if (counted.RolledUp > 0) problems.Add($"{analysis.Name} handed a team-a reader {counted.RolledUp} rollups");

            var whole = await RunAsync(analysis, counted);
            Assert.True(counted.RolledUp > 0, $"{analysis.Name}: a reader granted all is answered from the rollups");
            counted.RolledUp = 0;
            if (whole != scoped) differ++;
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
        // Other namespaces' spans change the figures of most analyses: were the rollups let through, the scoped answers would show them.
        Assert.True(differ >= 3, $"only {differ} analyses differ between team-a and everything");
    }

    private static async Task<string> RunAsync(AnalysisDefinition analysis, ITraceStore store)
    {
        var result = await analysis.RunAsync(new AnalysisRequest(new QueryEngine(store), TimeRange.All, new Dictionary<string, string>()), CancellationToken.None);
        return string.Join("\n", result.Table.Rows.Select(row => string.Join(" | ", row)));
    }

    /// <summary>The real store, counting the rollups it hands over.</summary>
    private sealed class RollupCounter(ITraceStore inner) : DelegatingTraceStore(inner), ITraceStore
    {
        public int RolledUp { get; set; }

        public ValueTask ScanRolledUpAsync(SpanScanRequest request, IRollup rollup, Action<ScannedTrace> visitor,
            Action<ReadOnlyMemory<byte>> rolledUp, CancellationToken cancellationToken) =>
            Inner.ScanRolledUpAsync(request, rollup, visitor, bytes =>
            {
                RolledUp++;
                rolledUp(bytes);
            }, cancellationToken);
    }
}
