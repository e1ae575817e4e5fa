using Kubetrace.Otlp.Proto.Common;
using static Kubetrace.Bench.Workload.Attr;
using SpanKind = Kubetrace.Otlp.Proto.Trace.Span.Types.SpanKind;

namespace Kubetrace.Kubernetes.Simulation;

/// <summary>
/// etcd 3.7's own spans under its otelgrpc server span: the applied request (<c>range</c>, <c>txn</c> with the
/// <c>put</c> it runs, <c>lease_grant</c>, <c>compact</c>), a range with its <c>range_begin</c>, <c>range_end</c>,
/// <c>rev</c>, <c>limit</c>, <c>count_only</c>, <c>keys_only</c>. Earlier etcd versions emit none. Timed as fixed
/// fractions of the server span: the apply is most of what etcd does for a request.
/// </summary>
internal sealed class EtcdApplyWriter(SimulationContext sim)
{
    private static readonly KeyValue LatestRevision = Int("rev", 0);
    private static readonly KeyValue NoLimit = Int("limit", 0);
    private static readonly KeyValue PageLimit = Int("limit", 500);
    private static readonly KeyValue NotCountOnly = Bool("count_only", false);
    private static readonly KeyValue NotKeysOnly = Bool("keys_only", false);
    private static readonly KeyValue NoRangeEnd = Str("range_end", "");

    /// <summary>The store's revision: every write adds one, and compaction keeps the latest.</summary>
    private long _revision = 1_000_000;

    private bool V37 => sim.Options.EffectiveEtcd == EtcdVersion.V3_7;

    /// <summary>Writes the apply spans of <paramref name="method"/> inside <paramref name="server"/> (<paramref name="start"/>..<paramref name="end"/>).</summary>
    public void Write(in OpenSpan server, GrpcMethod method, string? key, bool prefix, long start, long end)
    {
        if (method == GrpcMethod.EtcdTxn) _revision++;
        if (!V37 || !server.Recording || method == GrpcMethod.EtcdWatch) return;
        var name = method == GrpcMethod.EtcdRange ? "range"
            : method == GrpcMethod.EtcdTxn ? "txn"
            : method == GrpcMethod.EtcdLeaseGrant ? "lease_grant"
            : method == GrpcMethod.EtcdCompact ? "compact"
            : null;
        if (name is null) return;
        var applyStart = start + (end - start) / 10;
        var applyEnd = end - (end - start) / 10;
        var apply = sim.Recorder.Child(server.Context, false, sim.Cluster.Etcd, SimulatedScope.Etcd, name, SpanKind.Internal, applyStart);
        var a = apply.Proto!.Attributes;
        if (method == GrpcMethod.EtcdRange)
        {
            a.Add(Str("range_begin", key ?? ""));
            a.Add(prefix && key is not null ? Str("range_end", PrefixEnd(key)) : NoRangeEnd);
            a.Add(LatestRevision);
            a.Add(prefix ? PageLimit : NoLimit);
            a.Add(NotCountOnly);
            a.Add(NotKeysOnly);
        }
        else if (method == GrpcMethod.EtcdCompact)
            a.Add(Int("rev", _revision));
        else if (method == GrpcMethod.EtcdTxn)
        {
            // The apiserver's writes are compare-and-put transactions.
            var put = sim.Recorder.Child(apply.Context, false, sim.Cluster.Etcd, SimulatedScope.Etcd, "put", SpanKind.Internal, applyStart + (applyEnd - applyStart) / 4);
            sim.Recorder.End(put, applyEnd - (applyEnd - applyStart) / 4);
        }
        sim.Recorder.End(apply, applyEnd);
    }

    /// <summary>etcd's end of a prefix range: the prefix with its last byte incremented (<c>/registry/pods/</c> → <c>/registry/pods0</c>).</summary>
    private static string PrefixEnd(string key)
    {
        var prefix = key.EndsWith('/') ? key : key + "/";
        return string.Concat(prefix.AsSpan(0, prefix.Length - 1), [(char)(prefix[^1] + 1)]);
    }
}
