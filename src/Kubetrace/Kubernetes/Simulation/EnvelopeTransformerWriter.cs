using SpanKind = Kubetrace.Otlp.Proto.Trace.Span.Types.SpanKind;

namespace Kubetrace.Kubernetes.Simulation;

/// <summary>
/// KMS v2 encryption at rest of secrets: the envelope transformer's spans inside the storage call. With the data
/// encryption key cached, as it is between key rotations, each is a local AES-GCM operation of tens of
/// microseconds: the KMS plugin is not called per object. The kms-slow scenario plants the case where it is and
/// answers slowly (a data key cache that keeps missing, as after key rotations, or a KMS v1 provider): every
/// transform of a secret then waits for the plugin.
/// </summary>
internal sealed class EnvelopeTransformerWriter(SimulationContext sim)
{
    public const string FromStorageSpan = "TransformFromStorage with envelopeTransformer";
    public const string ToStorageSpan = "TransformToStorage with envelopeTransformer";

    /// <summary>Decrypts one object read from etcd, starting at <paramref name="start"/>; returns when the apiserver goes on.</summary>
    public long FromStorage(SimulatedSpanContext storage, long start) => Transform(FromStorageSpan, storage, start);

    /// <summary>Encrypts the object about to be written; returns when the apiserver goes on.</summary>
    public long ToStorage(SimulatedSpanContext storage, long start) => Transform(ToStorageSpan, storage, start);

    private long Transform(string name, SimulatedSpanContext storage, long start)
    {
        var random = sim.Random;
        var span = sim.Recorder.Child(storage, false, sim.Cluster.Apiserver, SimulatedScope.ComponentBase, name, SpanKind.Internal, start);
        var end = start + random.Micros(20, 120);
        if (sim.Faults.SlowKmsReport is { } slow)
        {
            slow.Transforms++;
            end += sim.Options.KmsAddedLatency.Ticks * 100;
        }
        sim.Recorder.End(span, end);
        return end + random.Micros(2, 10);
    }
}
