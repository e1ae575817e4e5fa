using Kubetrace.Kubernetes.Catalog;
using Kubetrace.Otlp.Proto.Common;
using static Kubetrace.Bench.Workload.Attr;
using SpanKind = Kubetrace.Otlp.Proto.Trace.Span.Types.SpanKind;

namespace Kubetrace.Kubernetes.Simulation;

/// <summary>
/// KMS v2 encryption at rest of secrets: the envelope transformer (kmsv2/envelope.go), traced from 1.29 with
/// <c>transformer.provider.name</c> and its steps as events. With the data encryption key cached, each transform is
/// a local AES-GCM operation of tens of microseconds. The plugin is called only when a read does not find its DEK
/// in the transformer's cache (<see cref="DekCache"/>). With secrets' watch cache on (the default) the cacher's
/// untraced initial list has cached every stored DEK when the apiserver starts (with the run), so a traced read
/// misses only once an entry expired (24 h) and was collected. With it off (<c>--watch-cache-sizes=secrets#0</c>,
/// which kms-slow sets) the first traced read of each DEK misses. Such a read shows "About to decrypt DEK using
/// remote service" and waits for the plugin: a few ms, or the kms-slow scenario's added latency. A write never calls
/// the plugin: it encrypts with the current DEK from the transformer's state, which a background controller keeps
/// (envelope.go TransformToStorage, stateFunc; TestData/Upstream/kms); an update without a watch cache reads (and
/// decrypts) the stored object first. Before 1.29 the transform takes its time without a span.
/// </summary>
internal sealed class EnvelopeTransformerWriter(SimulationContext sim)
{
    /// <summary>The provider's name in the simulated EncryptionConfiguration.</summary>
    public const string ProviderName = "kms-plugin";

    private static readonly KeyValue Provider = Str(StorageKeys.TransformerProvider, ProviderName);

    private readonly DekCache _cache = NewCache(sim);
    // The request whose decryption last called the plugin: the kms-slow report counts each such request once.
    private SimulatedSpanContext _lastRemoteParent;

    /// <summary>The transformer's cache when the apiserver starts (with the run): warmed by secrets' watch cache if they have one.</summary>
    private static DekCache NewCache(SimulationContext sim)
    {
        var cache = new DekCache(expiredEntriesReadable: sim.Options.KubernetesVersion.Minor >= 28);
        if (sim.WatchCached(ApiResource.Secrets)) cache.WarmedByWatchCache(sim.WindowStart);
        return cache;
    }

    private bool Traced => sim.Options.KubernetesVersion.Minor >= 29;

    /// <summary>The DEK the object at <paramref name="storageKey"/> was encrypted with (<see cref="DekCache.DekOf"/>).</summary>
    public int DekOf(string storageKey) => _cache.DekOf(storageKey);

    /// <summary>Decrypts one object read from etcd, encrypted with <paramref name="dek"/>, starting at <paramref name="start"/>; returns when the apiserver goes on.</summary>
    public long FromStorage(SimulatedSpanContext parent, long start, int dek)
    {
        var random = sim.Random;
        var span = Open(StorageNames.TransformFromStorage, parent, start);
        var t = start + random.Micros(2, 8);
        span.AddEvent(t, "About to decode encrypted object");
        t += random.Micros(2, 10);
        span.AddEvent(t, "Decoded encrypted object");
        if (!_cache.Holds(dek, t))
        {
            span.AddEvent(t, StorageEvents.DecryptDekRemote);
            t += PluginDecrypt(parent);
            span.AddEvent(t, "DEK decryption succeeded");
            _cache.Set(dek, t);
        }
        span.AddEvent(t, "About to decrypt data using DEK");
        t += random.Micros(15, 100);
        span.AddEvent(t, "Data decryption succeeded");
        return Close(span, t);
    }

    /// <summary>The plugin's Decrypt of one DEK: a few ms from a plugin on the node, or kms-slow's added latency (counted in its report).</summary>
    private long PluginDecrypt(SimulatedSpanContext parent)
    {
        if (sim.Faults.SlowKmsReport is not { } slow) return sim.Random.Micros(1_000, 5_000);
        slow.DekDecryptions++;
        if (parent != _lastRemoteParent) slow.Requests++;
        _lastRemoteParent = parent;
        return sim.Options.KmsAddedLatency.Ticks * 100;
    }

    /// <summary>Encrypts the object about to be written to <paramref name="storageKey"/>; returns when the apiserver goes on.</summary>
    public long ToStorage(SimulatedSpanContext parent, long start, string storageKey)
    {
        var random = sim.Random;
        var span = Open(StorageNames.TransformToStorage, parent, start);
        var t = start + random.Micros(2, 8);
        _cache.Written(storageKey, t); // envelope.go#L256 (v0.34.0): the current DEK is set before encrypting
        span.AddEvent(t, "About to encrypt data using DEK");
        t += random.Micros(15, 100);
        span.AddEvent(t, "Data encryption succeeded");
        span.AddEvent(t, "About to encode encrypted object");
        t += random.Micros(2, 10);
        span.AddEvent(t, "Encoded encrypted object");
        return Close(span, t);
    }

    private OpenSpan Open(string name, SimulatedSpanContext parent, long start)
    {
        if (!Traced) return default;
        var span = sim.Recorder.Child(parent, false, sim.Cluster.Apiserver, SimulatedScope.ComponentBase, name, SpanKind.Internal, start);
        span.Proto?.Attributes.Add(Provider);
        return span;
    }

    private long Close(in OpenSpan span, long t)
    {
        var end = t + sim.Random.Micros(1, 5);
        if (span.Recording) sim.Recorder.End(span, end);
        return end + sim.Random.Micros(2, 10);
    }
}
