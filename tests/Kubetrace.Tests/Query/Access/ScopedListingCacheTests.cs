using Kubetrace.Query.Access;
using Kubetrace.Storage;
using Kubetrace.Storage.Scan;
using Kubetrace.Tests.Api.Authorization;
using Kubetrace.Tests.Storage;
using StorageScope = Kubetrace.Storage.AttributeScope;

namespace Kubetrace.Tests.Query.Access;

/// <summary>
/// Namespace-scoped listings (services, operations, attribute names and values) kept per grant for every reader of
/// a store (<see cref="ScopedListingCache"/>): each reader sees its own names only, however the readers take turns;
/// repeated requests do not scan the store again while it is unchanged; names stored later show up once the
/// refresh interval has passed.
/// </summary>
public sealed class ScopedListingCacheTests
{
    private static readonly ReadGrant TeamA = Grant(false, "team-a"), TeamB = Grant(false, "team-b"), TeamAAndCluster = Grant(true, "team-a");

    [Fact]
    public async Task Readers_of_different_namespaces_taking_turns_on_one_cache_each_get_their_own_names_only()
    {
        await using var store = await StoreWithThreeNamespacesAsync();
        var cache = new ScopedListingCache();

        // Twice round, so that the second round is answered from the cache.
        for (var round = 0; round < 2; round++)
        {
            var a = await ListEverythingAsync(new ScopedTraceStore(store.Store, TeamA, listings: cache));
            var cluster = await ListEverythingAsync(new ScopedTraceStore(store.Store, TeamAAndCluster, listings: cache));
            var b = await ListEverythingAsync(new ScopedTraceStore(store.Store, TeamB, listings: cache));

            AssertNone(ThreeNamespaces.ForeignToTeamA, a, "team-a");
            Assert.Contains("frontend-a", a);
            Assert.Contains("app-a-0", a);
            Assert.DoesNotContain("worker-7", a);
            Assert.Contains("worker-7", cluster); // the node's request is cluster-scoped
            Assert.DoesNotContain("payments-b", cluster);
            Assert.Contains("payments-b", b);
            Assert.Contains("secret-object-b", b);
            AssertNone(["frontend-a", "app-a-0", "team-a", "worker-7", "ledger-c", "payroll-c"], b, "team-b");
        }
    }

    [Fact]
    public async Task Repeated_scoped_listings_scan_an_unchanged_store_once()
    {
        await using var store = await StoreWithThreeNamespacesAsync();
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        var cache = new ScopedListingCache(clock);
        var counted = new ScanCounter(store.Store);

        for (var request = 0; request < 3; request++)
        {
            var view = new ScopedTraceStore(counted, TeamA, listings: cache);
            var services = await view.GetServicesAsync(CancellationToken.None);
            Assert.Equal(["etcd", "frontend-a", "kube-apiserver"], services);
            foreach (var service in services) Assert.NotEmpty(await view.GetOperationsAsync(service, CancellationToken.None));
        }
        Assert.Equal(1, counted.Scans); // services and every service's operations come from one scan

        // Writing the head as a block moves spans without changing them; time alone does not make a listing stale.
        await store.Store.FlushHeadAsync();
        clock.Advance(cache.Refresh * 3);
        Assert.Equal(["etcd", "frontend-a", "kube-apiserver"], await new ScopedTraceStore(counted, TeamA, listings: cache).GetServicesAsync(CancellationToken.None));
        Assert.Equal(1, counted.Scans);
    }

    [Fact]
    public async Task Names_of_a_new_block_show_up_once_the_refresh_interval_has_passed_and_only_the_readers_own()
    {
        await using var store = await StoreWithThreeNamespacesAsync();
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        var cache = new ScopedListingCache(clock);
        var counted = new ScanCounter(store.Store);
        ScopedTraceStore View() => new(counted, TeamA, listings: cache);
        Assert.DoesNotContain("checkout-a", await View().GetServicesAsync(CancellationToken.None));

        await store.AppendAsync(Spans.Request(
        [
            ThreeNamespaces.Workload("checkout-a", "team-a", Spans.Span(0x7a09, 1, 0, "POST /order", 900, 10, ("order.channel", "web-a"))),
            ThreeNamespaces.Workload("refunds-b", "team-b", Spans.Span(0x7b09, 1, 0, "POST /refund", 910, 10, ("order.channel", "branch-b"))),
        ]));
        await store.Store.FlushHeadAsync();

        // Within the refresh interval the store is not scanned again, however often readers ask.
        Assert.DoesNotContain("checkout-a", await View().GetServicesAsync(CancellationToken.None));
        Assert.Equal(1, counted.Scans);

        clock.Advance(cache.Refresh);
        var services = await View().GetServicesAsync(CancellationToken.None);
        Assert.Contains("checkout-a", services);
        Assert.DoesNotContain("refunds-b", services);
        Assert.Equal(["POST /order"], (await View().GetOperationsAsync("checkout-a", CancellationToken.None)).Select(o => o.Name));
        Assert.Equal(["web-a"], await View().GetAttributeValuesAsync(StorageScope.Span, "order.channel", 100, CancellationToken.None));
        Assert.Contains("order.channel", await View().GetAttributeNamesAsync(StorageScope.Span, CancellationToken.None));
        Assert.Empty(await new ScopedTraceStore(counted, Grant(false, "team-c"), listings: cache)
            .GetAttributeValuesAsync(StorageScope.Span, "order.channel", 100, CancellationToken.None));
    }

    private static async Task<TempStore> StoreWithThreeNamespacesAsync()
    {
        var store = new TempStore();
        await store.AppendAsync(ThreeNamespaces.Request());
        return store;
    }

    /// <summary>Every listing a reader can ask for, as one text to search for names.</summary>
    private static async Task<string> ListEverythingAsync(ITraceStore view)
    {
        var parts = new List<string>();
        var services = await view.GetServicesAsync(CancellationToken.None);
        parts.AddRange(services);
        foreach (var service in services) parts.AddRange((await view.GetOperationsAsync(service, CancellationToken.None)).Select(o => o.Name));
        foreach (var scope in new[] { StorageScope.Span, StorageScope.Resource })
        foreach (var name in await view.GetAttributeNamesAsync(scope, CancellationToken.None))
        {
            parts.Add(name);
            parts.AddRange(await view.GetAttributeValuesAsync(scope, name, 100, CancellationToken.None));
        }
        return string.Join("\n", parts);
    }

    private static void AssertNone(IEnumerable<string> foreign, string listed, string reader)
    {
        var leaks = foreign.Where(listed.Contains).ToList();
        Assert.True(leaks.Count == 0, $"a {reader} reader is listed {string.Join(", ", leaks)}");
    }

    private static ReadGrant Grant(bool cluster, params string[] namespaces) =>
        new(false, namespaces.Select(n => NamespacePattern.TryParse(n, out _)!).ToList(), cluster);

    /// <summary>The real store, counting the scans it runs.</summary>
    private sealed class ScanCounter(ITraceStore inner) : DelegatingTraceStore(inner), ITraceStore
    {
        private int _scans;

        public int Scans => Volatile.Read(ref _scans);

        public new ValueTask ScanAsync(SpanScanRequest request, Action<ScannedTrace> visitor, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _scans);
            return Inner.ScanAsync(request, visitor, cancellationToken);
        }
    }
}
