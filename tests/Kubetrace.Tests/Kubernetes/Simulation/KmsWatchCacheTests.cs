using Kubetrace.Kubernetes.Catalog;
using Kubetrace.Kubernetes.Simulation;

namespace Kubetrace.Tests.Kubernetes.Simulation;

/// <summary>
/// Where a KMS v2 apiserver's calls to its plugin show in traces, as k8s.io/apiserver decides it (v0.34.0):
/// secrets have a watch cache by default (<c>pkg/server/options/etcd.go#L84–#L85</c>), whose initial LIST and watch
/// decrypt every stored secret through the envelope transformer in a context without a span
/// (<c>cacher/lister_watcher.go#L73</c>, <c>#L106</c>; <c>etcd3/watcher.go#L706</c>; component-base
/// <c>tracing/tracing.go#L36</c>), so the DEK cache is warm before the first request. A GET without resourceVersion
/// still reads etcd and decrypts inside the request (<c>cacher/delegator.go#L145–#L149</c>) and finds its DEK
/// cached (<c>kmsv2/envelope.go#L181</c>). With <c>--watch-cache-sizes=secrets#0</c> (<c>etcd.go#L449–#L451</c>)
/// every read and update of a secret decrypts inside its request, and the first of each DEK calls the plugin.
/// </summary>
public sealed class KmsWatchCacheTests
{
    private static readonly SimulationOptions Encrypted = new()
    {
        KubernetesVersion = new KubernetesVersion(1, 34), RequestsPerSecond = 100, Duration = TimeSpan.FromSeconds(20), KmsEncryption = true,
    };

    private static bool CalledThePlugin(EmittedSpan decryption) =>
        decryption.Span.Events.Any(e => e.Name == StorageEvents.DecryptDekRemote);

    private static List<EmittedSpan> Named(SimulatedSpans simulated, string name) =>
        simulated.Of("apiserver").Where(s => s.Name == name).ToList();

    /// <summary>The secret a span's request read or wrote: the path of its request (GET and PUT of one secret share it).</summary>
    private static string ObjectOf(SimulatedSpans simulated, EmittedSpan span) => simulated.Request(span).Attr("http.target")!.Split('?')[0];

    /// <summary>When each secret was first written in the run (by its request's path).</summary>
    private static Dictionary<string, ulong> FirstWrites(SimulatedSpans simulated) =>
        Named(simulated, StorageNames.TransformToStorage).GroupBy(w => ObjectOf(simulated, w))
            .ToDictionary(g => g.Key, g => g.Min(w => w.Span.StartTimeUnixNano));

    [Fact]
    public void With_the_default_watch_cache_the_first_GET_of_a_secret_stored_before_the_start_calls_no_KMS_plugin()
    {
        var simulated = SimulatedSpans.Run(Encrypted);
        var decryptions = Named(simulated, StorageNames.TransformFromStorage);
        var written = FirstWrites(simulated);

        // A GET without resourceVersion reads etcd under cacher.Get and decrypts there, beside the KV/Range.
        var gets = decryptions.Where(d => simulated.Parent(d)!.Name == StorageNames.CacherGet).ToList();
        var firstReadsOfStoredSecrets = gets.GroupBy(d => ObjectOf(simulated, d)).Select(g => g.MinBy(d => d.Span.StartTimeUnixNano)!)
            .Where(d => !written.TryGetValue(ObjectOf(simulated, d), out var firstWrite) || firstWrite > d.Span.StartTimeUnixNano).ToList();

        Assert.True(firstReadsOfStoredSecrets.Count >= DekCache.EarlierDeks, $"{firstReadsOfStoredSecrets.Count} first reads of stored secrets");
        Assert.DoesNotContain(decryptions, CalledThePlugin);
        Assert.All(decryptions, d => Assert.True(d.Milliseconds < 1, $"{d.Milliseconds} ms"));
        Assert.Empty(simulated.Report.WatchCacheSizes);
    }

    [Fact]
    public void With_secrets_watch_cache_off_reads_and_updates_decrypt_in_their_requests_and_the_first_read_of_each_stored_DEK_calls_the_plugin()
    {
        var simulated = SimulatedSpans.Run(Encrypted with { WatchCacheSizes = ["secrets#0"] });
        var decryptions = Named(simulated, StorageNames.TransformFromStorage);
        var remote = decryptions.Where(CalledThePlugin).ToList();
        var written = FirstWrites(simulated);

        Assert.Equal(["secrets#0"], simulated.Report.WatchCacheSizes);
        // No cacher for secrets: a GET's KV/Range and decryption hang under the handler, an update reads and decrypts
        // the stored object under GuaranteedUpdate etcd3 (store.go#L476, #L1023), a list under its etcd3 List.
        Assert.DoesNotContain(simulated.Of("apiserver"), s => s.Name.StartsWith("cacher", StringComparison.Ordinal) &&
            ((s.Attr("key") ?? "").StartsWith("/secrets", StringComparison.Ordinal) || s.Attr("type") == "secrets"));
        Assert.Equal(["Get", StorageNames.GuaranteedUpdate, StorageNames.ListRecursive],
            decryptions.Select(d => simulated.Parent(d)!.Name).Distinct().Order(StringComparer.Ordinal));
        Assert.All(Named(simulated, StorageNames.GuaranteedUpdate).Where(u => u.Attr("resource") == "secrets"), update =>
        {
            var decryption = Assert.Single(decryptions, d => d.TraceId == update.TraceId && d.ParentId == update.SpanId);
            var restored = update.Span.Events.Single(e => e.Name == StorageEvents.InitialValueRestored);
            Assert.True(decryption.Span.EndTimeUnixNano <= restored.TimeUnixNano, "the stored object is decrypted before the update runs");
        });

        // Each DEK of the objects stored before the run is asked of the plugin once, by the first read that needs it;
        // a secret the run wrote carries the current DEK, which its write cached (envelope.go#L256).
        Assert.Equal(DekCache.EarlierDeks, remote.Count);
        Assert.All(remote.Where(r => simulated.Parent(r)!.Name != StorageNames.ListRecursive), r =>
        {
            var secret = ObjectOf(simulated, r);
            Assert.False(written.TryGetValue(secret, out var firstWrite) && firstWrite < r.Span.StartTimeUnixNano, $"{secret} was written before");
            Assert.DoesNotContain(decryptions, d => d.Span.StartTimeUnixNano < r.Span.StartTimeUnixNano && ObjectOf(simulated, d) == secret);
        });
    }

    [Fact]
    public void With_the_watch_cache_on_a_traced_read_misses_only_once_its_DEKs_entry_expired_after_24_hours_and_a_write_collected_it()
    {
        // cacheTTL 24 h (envelope.go#L77); from 1.28 an expired entry is read until a set collects it (cache.go#L50):
        // the first write after the 24 h (#L256) collects the start-up list's entries, and the next GET of a secret
        // stored before the start calls the plugin, under cacher.Get (TestData/Upstream/kms/1.34/secret-get-dek-miss.json).
        var simulated = SimulatedReleases.PastDekTtl("1.34");
        var ttlEnds = (ulong)(simulated.Report.Start.ToUnixTimeMilliseconds() * 1_000_000) + (ulong)DekCache.TtlNanos;
        var remote = Named(simulated, StorageNames.TransformFromStorage).Where(CalledThePlugin).ToList();
        var firstWriteAfterTtl = Named(simulated, StorageNames.TransformToStorage).Select(w => w.Span.StartTimeUnixNano).Where(t => t >= ttlEnds).Min();

        Assert.InRange(remote.Count, 1, DekCache.EarlierDeks);
        Assert.All(remote, r => Assert.True(r.Span.StartTimeUnixNano > firstWriteAfterTtl, "a miss before the entries were collected"));
        Assert.All(remote, r => Assert.Equal(StorageNames.CacherGet, simulated.Parent(r)!.Name));
    }
}
