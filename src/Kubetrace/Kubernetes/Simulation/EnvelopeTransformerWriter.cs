using Kubetrace.Kubernetes.Catalog;
using Kubetrace.Otlp.Proto.Common;
using static Kubetrace.Bench.Workload.Attr;
using SpanKind = Kubetrace.Otlp.Proto.Trace.Span.Types.SpanKind;

namespace Kubetrace.Kubernetes.Simulation;

/// <summary>
/// KMS v2 encryption at rest of secrets: the envelope transformer (kmsv2/envelope.go), traced from 1.29 with
/// <c>transformer.provider.name</c> and its steps as events. With the data encryption key cached, as it is
/// between key rotations, each transform is a local AES-GCM operation of tens of microseconds: the KMS plugin is
/// not called per object. The kms-slow scenario plants the case where it is and answers slowly (a data key cache
/// that keeps missing, as after key rotations): every read then shows "About to decrypt DEK using remote service"
/// and waits for the plugin. A write never does: it encrypts with the current DEK from the transformer's state,
/// which a background controller keeps (envelope.go TransformToStorage, stateFunc; TestData/Upstream/kms). Before
/// 1.29 the transform takes its time without a span.
/// </summary>
internal sealed class EnvelopeTransformerWriter(SimulationContext sim)
{
    /// <summary>The provider's name in the simulated EncryptionConfiguration.</summary>
    public const string ProviderName = "kms-plugin";

    private static readonly KeyValue Provider = Str(StorageKeys.TransformerProvider, ProviderName);

    private bool Traced => sim.Options.KubernetesVersion.Minor >= 29;

    /// <summary>Decrypts one object read from etcd, starting at <paramref name="start"/>; returns when the apiserver goes on.</summary>
    public long FromStorage(SimulatedSpanContext parent, long start)
    {
        var random = sim.Random;
        var span = Open(StorageNames.TransformFromStorage, parent, start);
        var t = start + random.Micros(2, 8);
        span.AddEvent(t, "About to decode encrypted object");
        t += random.Micros(2, 10);
        span.AddEvent(t, "Decoded encrypted object");
        if (sim.Faults.SlowKmsReport is { } slow)
        {
            slow.Transforms++;
            span.AddEvent(t, StorageEvents.DecryptDekRemote);
            t += sim.Options.KmsAddedLatency.Ticks * 100;
            span.AddEvent(t, "DEK decryption succeeded");
        }
        span.AddEvent(t, "About to decrypt data using DEK");
        t += random.Micros(15, 100);
        span.AddEvent(t, "Data decryption succeeded");
        return Close(span, t);
    }

    /// <summary>Encrypts the object about to be written; returns when the apiserver goes on.</summary>
    public long ToStorage(SimulatedSpanContext parent, long start)
    {
        var random = sim.Random;
        var span = Open(StorageNames.TransformToStorage, parent, start);
        var t = start + random.Micros(2, 8);
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
