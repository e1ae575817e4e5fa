namespace Kubetrace.Kubernetes.Simulation;

/// <summary>
/// The KMS v2 envelope transformer's cache of decrypted DEKs (seeds), keyed by their encrypted form, as
/// k8s.io/apiserver keeps it (<c>pkg/storage/value/encrypt/envelope/kmsv2/envelope.go</c> at v0.34.0; the same code
/// since v0.29.0, at v0.36.0 on #L101, #L206, #L210, #L281, #L340): every read looks its DEK up (#L181) and calls the plugin's
/// Decrypt only when it is not there (#L184–#L204), then caches it (#L206, #L315); every write puts the current DEK
/// in (#L256, "this prevents a cache miss every time the DEK rotates"), so what this apiserver wrote never misses.
/// An entry lives <see cref="TtlNanos"/> after its last set (cacheTTL, #L77) and, as the cache allows expired gets
/// from 1.28 (<c>cache.go#L50</c>; v0.28.0 #L46; not at v0.27.0), stays readable until a later set collects it. The cache starts empty with the process:
/// the simulated apiserver starts with the run, so the first read of each DEK after that start misses.
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
