using Kubetrace.Kubernetes.Simulation;

namespace Kubetrace.Tests.Kubernetes.Simulation;

/// <summary>
/// The simulated apiserver's DEK cache holds to kmsv2 envelope.go and cache.go: a miss per DEK per cache lifetime
/// (cacheTTL 24 h, envelope.go#L77 at v0.34.0), an empty cache after a restart, writes caching the current DEK
/// (#L256), and from 1.28 an expired entry read until a later set collects it (cache.go AllowExpiredGet); with the
/// resource's watch cache on, the cacher's untraced start-up list has cached every stored DEK before any request.
/// </summary>
public sealed class DekCacheTests
{
    private const long Hour = 3_600_000_000_000;

    [Fact]
    public void A_DEK_once_cached_is_held_for_24_hours_after_its_last_set()
    {
        var cache = new DekCache(expiredEntriesReadable: false);

        Assert.False(cache.Holds(1, 0)); // a restarted apiserver: nothing cached
        cache.Set(1, 0);
        Assert.True(cache.Holds(1, 24 * Hour - 1));
        Assert.False(cache.Holds(1, 24 * Hour)); // 1.27: Get checks the expiry
        cache.Set(1, 24 * Hour);
        Assert.True(cache.Holds(1, 47 * Hour));
    }

    [Fact]
    public void From_1_28_an_expired_entry_is_read_until_a_later_set_collects_it()
    {
        var cache = new DekCache(expiredEntriesReadable: true);
        cache.Set(1, 0);

        Assert.True(cache.Holds(1, 30 * Hour));
        cache.Set(2, 30 * Hour); // any set runs the collection
        Assert.False(cache.Holds(1, 30 * Hour));
        Assert.True(cache.Holds(2, 30 * Hour));
    }

    [Fact]
    public void A_write_caches_the_current_DEK_and_its_object_is_read_with_it_from_then_on()
    {
        var cache = new DekCache(expiredEntriesReadable: true);
        const string key = "/secrets/shop/api-credentials";
        var before = cache.DekOf(key);

        Assert.InRange(before, 0, DekCache.EarlierDeks - 1); // stored before the run: a DEK of an earlier lifetime
        Assert.False(cache.Holds(DekCache.CurrentDek, 0));
        cache.Written(key, 5);
        Assert.Equal(DekCache.CurrentDek, cache.DekOf(key));
        Assert.True(cache.Holds(DekCache.CurrentDek, 5));
        Assert.False(cache.Holds(before, 5));
    }

    [Fact]
    public void The_watch_caches_start_up_list_caches_every_stored_DEK_before_the_first_request()
    {
        // cacher's initial LIST (lister_watcher.go#L73 at v0.34.0) decrypts every stored object through the same
        // transformer, outside any request: the first traced read of an object stored before the start hits.
        var cache = new DekCache(expiredEntriesReadable: true);
        cache.WarmedByWatchCache(0);

        for (var dek = 0; dek < DekCache.EarlierDeks; dek++) Assert.True(cache.Holds(dek, 1), $"DEK {dek}");
        Assert.False(cache.Holds(DekCache.CurrentDek, 1)); // made at start; cached by the first write (#L256)
    }

    [Fact]
    public void With_the_watch_cache_on_a_read_misses_again_only_once_the_start_up_entries_expired()
    {
        // A get does not renew an entry (cache.go get, v0.34.0 #L65; utilcache.Expiring.Get): the start-up list's entries expire 24 h later.
        var v127 = new DekCache(expiredEntriesReadable: false);
        v127.WarmedByWatchCache(0);
        Assert.True(v127.Holds(0, 24 * Hour - 1));
        Assert.False(v127.Holds(0, 24 * Hour)); // 1.27: the next read of each stored DEK misses

        var v134 = new DekCache(expiredEntriesReadable: true);
        v134.WarmedByWatchCache(0);
        Assert.True(v134.Holds(0, 30 * Hour)); // 1.28+: read while expired ...
        v134.Written("/secrets/shop/new", 30 * Hour); // ... until a write's set collects it
        Assert.False(v134.Holds(0, 30 * Hour));
        Assert.True(v134.Holds(DekCache.CurrentDek, 30 * Hour));
    }

    [Fact]
    public void A_restarted_apiserver_misses_each_DEK_once_again()
    {
        // Each run starts the apiserver anew: the same reads miss once per DEK in each run, not once per read.
        static int Misses()
        {
            var cache = new DekCache(expiredEntriesReadable: true);
            var misses = 0;
            for (var read = 0; read < 200; read++)
            {
                var dek = cache.DekOf($"/secrets/ns-{read % 7}/app-{read % 13}");
                if (cache.Holds(dek, read)) continue;
                misses++;
                cache.Set(dek, read);
            }
            return misses;
        }

        Assert.Equal(DekCache.EarlierDeks, Misses());
        Assert.Equal(DekCache.EarlierDeks, Misses());
    }
}
