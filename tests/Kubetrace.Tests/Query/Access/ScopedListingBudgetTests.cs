using Kubetrace.Query;
using Kubetrace.Query.Access;
using Kubetrace.Query.Budget;
using Kubetrace.Storage;
using Kubetrace.Storage.Scan;
using Kubetrace.Tests.Api.Authorization;
using Kubetrace.Tests.Storage;
using Kubetrace.Tests.TestSupport;

namespace Kubetrace.Tests.Query.Access;

/// <summary>
/// A namespace-scoped listing (services, operations, tags: a scan of every stored span) is a query like any other:
/// it stops at <c>query_timeout</c>, answered 503 naming the limit, and its scan is cancelled once no reader waits
/// for it any more (the client went away), while a reader still waiting keeps it going.
/// </summary>
public sealed class ScopedListingBudgetTests
{
    private static readonly ReadGrant TeamA = new(false, [NamespacePattern.TryParse("team-a", out _)!], false);

    [Fact]
    public async Task A_scoped_listing_scan_running_past_query_timeout_is_cancelled_and_answered_naming_the_limit()
    {
        await using var store = await StoreWithThreeNamespacesAsync();
        var scans = new EndlessScans(store.Store);
        var engine = new QueryEngine(scans, new QueryLimits { QueryTimeout = TimeSpan.FromMilliseconds(300) });
        var view = new ScopedTraceStore(scans, TeamA, listings: engine.ScopedListings);

        var listing = view.GetServicesAsync(CancellationToken.None).AsTask();
        await Wait.UntilAsync(() => listing.IsCompleted, "the listing is answered");

        var refused = await Assert.ThrowsAsync<QueryLimitException>(() => listing);
        Assert.Equal(("query_timeout", QueryRefusal.Unavailable), (refused.Limit, refused.Refusal));
        Assert.Equal("the listing did not finish within query_timeout (300ms)", refused.Message);
        await Wait.UntilAsync(() => scans.Cancelled == 1, "the scan is cancelled");
    }

    [Fact]
    public async Task A_scoped_listing_scan_is_cancelled_when_its_only_reader_goes_away_and_kept_while_another_waits()
    {
        await using var store = await StoreWithThreeNamespacesAsync();
        var scans = new EndlessScans(store.Store);
        var engine = new QueryEngine(scans, new QueryLimits { QueryTimeout = TimeSpan.Zero });
        ScopedTraceStore View() => new(scans, TeamA, listings: engine.ScopedListings);
        using var first = new CancellationTokenSource();
        using var second = new CancellationTokenSource();

        var firstListing = View().GetServicesAsync(first.Token).AsTask();
        await Wait.UntilAsync(() => scans.Running == 1, "the scan runs");
        var secondListing = View().GetServicesAsync(second.Token).AsTask(); // shares the running scan
        first.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => firstListing);
        var keptForTheSecond = scans.Cancelled == 0 && scans.Running == 1;
        second.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => secondListing);

        Assert.True(keptForTheSecond, "the scan stopped although a reader still waited for it");
        await Wait.UntilAsync(() => scans.Cancelled == 1, "the scan is cancelled once no reader waits");
        Assert.Equal(1, scans.Started);
    }

    private static async Task<TempStore> StoreWithThreeNamespacesAsync()
    {
        var store = new TempStore();
        await store.AppendAsync(ThreeNamespaces.Request());
        return store;
    }

    /// <summary>The real store, except that a scan never ends until it is cancelled (a store too large to scan in time).</summary>
    private sealed class EndlessScans(ITraceStore inner) : DelegatingTraceStore(inner), ITraceStore
    {
        private int _started, _running, _cancelled;

        public int Started => Volatile.Read(ref _started);
        public int Running => Volatile.Read(ref _running);
        public int Cancelled => Volatile.Read(ref _cancelled);

        public new async ValueTask ScanAsync(SpanScanRequest request, Action<ScannedTrace> visitor, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _started);
            Interlocked.Increment(ref _running);
            try
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                Interlocked.Increment(ref _cancelled);
                throw;
            }
            finally
            {
                Interlocked.Decrement(ref _running);
            }
        }
    }
}
