namespace Kubetrace.Kubernetes.Simulation;

/// <summary>
/// The KMS v2 envelope transformer's cache of decrypted DEKs (seeds), keyed by their encrypted form, as
/// k8s.io/apiserver keeps it (<c>pkg/storage/value/encrypt/envelope/kmsv2/envelope.go</c> at v0.34.0; the same code
/// since v0.29.0, at v0.36.0 on #L101, #L206, #L210, #L281, #L340): every read looks its DEK up (#L181) and calls the plugin's
/// Decrypt only when it is not there (#L184–#L204), then caches it (#L206, #L315); every write puts the current DEK
/// in (#L256, "this prevents a cache miss every time the DEK rotates"), so what this apiserver wrote never misses.
/// An entry lives <see cref="TtlNanos"/> after its last set (cacheTTL, #L77) and, as the cache allows expired gets
/// from 1.28 (<c>cache.go#L50</c>; v0.28.0 #L46; not at v0.27.0), stays readable until a later set collects it. The cache
/// starts empty with the process; the simulated apiserver starts with the run. With the resource's watch cache on
/// (the default) the cacher fills it before any request: see <see cref="WarmedByWatchCache"/>. Without one
/// (<c>--watch-cache-sizes=secrets#0</c>) the first traced read of each DEK after the start misses.
/// </summary>
/// <remarks>
/// A KMS v2 apiserver encrypts every write of its lifetime with one DEK/seed, made at start and again only when the
/// plugin's key ID changes (<c>pkg/server/options/encryptionconfig/config.go</c> rotateDEKOnKeyIDChange, #L388 at
/// v0.34.0): objects stored before the run carry one of <see cref="EarlierDeks"/> DEKs of earlier lifetimes.
/// </remarks>
internal sealed class DekCache(bool expiredEntriesReadable)
{
    /// <summary>envelope.go's cacheTTL: 24 h.</summary>
    public const long TtlNanos = 24L * 3_600 * 1_000_000_000;

    /// <summary>The DEKs objects stored before the run were encrypted with: one per earlier apiserver lifetime or key rotation.</summary>
    public const int EarlierDeks = 4;

    /// <summary>The DEK this apiserver made at start, which every write of the run uses.</summary>
    public const int CurrentDek = EarlierDeks;

    private readonly HashSet<string> _writtenInRun = new(StringComparer.Ordinal);
    private readonly Dictionary<int, long> _expiry = [];
    private readonly List<int> _expired = [];

    /// <summary>The DEK the object at <paramref name="storageKey"/> was encrypted with.</summary>
    public int DekOf(string storageKey) => _writtenInRun.Contains(storageKey) ? CurrentDek : (int)(StableHash.Fnv(storageKey) % EarlierDeks);

    /// <summary>The DEK of the <paramref name="index"/>th object of a list (objects a list returns are taken as stored before the run).</summary>
    public static int DekOfListed(int index) => index % EarlierDeks;

    /// <summary>
    /// The cacher's start-up at <paramref name="start"/>: its reflector's initial LIST reads every stored object
    /// through the storage's transformer (k8s.io/apiserver <c>pkg/storage/cacher</c>: <c>cacher.go#L1343</c>
    /// lw.storage.GetList at v0.27.0, <c>lister_watcher.go#L70</c> at v0.33.0, <c>#L73</c> at v0.34.0, <c>#L101</c> at
    /// v0.36.0; the etcd3 store decrypts each item, <c>store.go#L760</c>/<c>#L779</c>/<c>#L829</c>/<c>#L829</c>), so each
    /// earlier DEK is decrypted once and cached then. Its context is <c>context.TODO()</c>/<c>Background()</c>: no span
    /// (component-base <c>tracing/tracing.go#L36</c> at v0.27.0–v0.36.0 starts a span only under one in the context), so none of this is in a trace.
    /// Its watch then decrypts every later change the same way (etcd3 <c>watcher.go</c> prepareObjs: #L454 at v0.27.0,
    /// #L681 at v0.33.0, #L706 at v0.34.0, #L708 at v0.36.0), including objects another apiserver wrote with its own
    /// DEK; a changed object carries the DEK of its writer, which that watch decryption caches here.
    /// </summary>
    public void WarmedByWatchCache(long start)
    {
        for (var dek = 0; dek < EarlierDeks; dek++) Set(dek, start);
    }

    /// <summary>Whether a read at <paramref name="now"/> finds <paramref name="dek"/> cached (from 1.28 an expired entry not yet collected counts).</summary>
    public bool Holds(int dek, long now) => _expiry.TryGetValue(dek, out var expiry) && (expiredEntriesReadable || now < expiry);

    /// <summary>A write at <paramref name="now"/>: the current DEK is set, and the object carries it from now on.</summary>
    public void Written(string storageKey, long now)
    {
        _writtenInRun.Add(storageKey);
        Set(CurrentDek, now);
    }

    /// <summary>Caches <paramref name="dek"/> from <paramref name="now"/> for the TTL, collecting the entries expired by then first.</summary>
    public void Set(int dek, long now)
    {
        _expired.Clear();
        foreach (var (key, expiry) in _expiry)
            if (expiry <= now) _expired.Add(key);
        foreach (var key in _expired) _expiry.Remove(key);
        _expiry[dek] = now + TtlNanos;
    }
}
