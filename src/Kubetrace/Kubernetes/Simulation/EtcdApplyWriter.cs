using Kubetrace.Kubernetes.Catalog;
using static Kubetrace.Bench.Workload.Attr;
using SpanKind = Kubetrace.Otlp.Proto.Trace.Span.Types.SpanKind;

namespace Kubetrace.Kubernetes.Simulation;

/// <summary>
/// etcd 3.7's own request spans (v3_server.go, <see cref="EtcdCatalog"/>) under its otelgrpc server span:
/// <c>range</c> with the request's keys and limits; <c>txn</c> with its first compared and first written key,
/// lease and operation counts (the operations inside have no spans: no nested <c>put</c>); <c>compact</c>;
/// <c>lease_grant</c>. Writes carry the raft events. Earlier etcd versions emit none. A request span starts as
/// the handler starts and ends as it returns (<c>defer span.End()</c>): nearly the whole server span.
/// </summary>
internal sealed class EtcdApplyWriter(SimulationContext sim)
{
    /// <summary>The store's revision: every write adds one, and compaction keeps the latest.</summary>
    private long _revision = 1_000_000;

    private bool Emits => sim.Options.EffectiveEtcd.RequestSpans;

    /// <summary>Writes the request span of <paramref name="method"/> inside <paramref name="server"/> (<paramref name="start"/>..<paramref name="end"/>).</summary>
    public void Write(in OpenSpan server, GrpcMethod method, in EtcdRequest request, long start, long end)
    {
        if (method == GrpcMethod.EtcdTxn) _revision++;
        if (!Emits || !server.Recording || method == GrpcMethod.EtcdWatch) return;
        var spanStart = start + Math.Min(20_000, (end - start) / 20);
        var spanEnd = end - Math.Min(20_000, (end - start) / 20);
        if (method == GrpcMethod.EtcdRange)
        {
            var range = Open(server.Context, EtcdNames.Range, spanStart);
            var a = range.Proto!.Attributes;
            a.Add(Str(EtcdKeys.RangeBegin, request.Key));
            a.Add(Str(EtcdKeys.RangeEnd, request.RangeEnd));
            a.Add(Int(EtcdKeys.Rev, 0));
            a.Add(Int(EtcdKeys.Limit, request.Limit));
            a.Add(Bool(EtcdKeys.CountOnly, false));
            a.Add(Bool(EtcdKeys.KeysOnly, false));
            sim.Recorder.End(range, spanEnd);
        }
        else if (method == GrpcMethod.EtcdTxn)
        {
            var txn = Open(server.Context, EtcdNames.Txn, spanStart);
            var a = txn.Proto!.Attributes;
            a.Add(Str(EtcdKeys.CompareFirstKey, request.Key));
            a.Add(Str(EtcdKeys.SuccessFirstKey, request.Key));
            a.Add(Str(EtcdKeys.SuccessFirstType, "put"));
            a.Add(Int(EtcdKeys.SuccessFirstLease, request.Lease));
            a.Add(Int(EtcdKeys.CompareLen, request.CompareLen));
            a.Add(Int(EtcdKeys.SuccessLen, request.SuccessLen));
            a.Add(Int(EtcdKeys.FailureLen, request.FailureLen));
            a.Add(Bool(EtcdKeys.ReadOnly, false));
            Raft(txn, spanStart, spanEnd);
            sim.Recorder.End(txn, spanEnd);
        }
        else if (method == GrpcMethod.EtcdCompact)
        {
            var compact = Open(server.Context, EtcdNames.Compact, spanStart);
            compact.Proto!.Attributes.Add(Bool(EtcdKeys.IsPhysical, false));
            compact.Proto.Attributes.Add(Int(EtcdKeys.Rev, _revision));
            Raft(compact, spanStart, spanEnd);
            sim.Recorder.End(compact, spanEnd);
        }
        else if (method == GrpcMethod.EtcdLeaseGrant)
        {
            var grant = Open(server.Context, EtcdNames.LeaseGrant, spanStart);
            grant.Proto!.Attributes.Add(Int(EtcdKeys.Id, request.Lease));
            grant.Proto.Attributes.Add(Int(EtcdKeys.Ttl, request.LeaseTtl));
            Raft(grant, spanStart, spanEnd);
            sim.Recorder.End(grant, spanEnd);
        }
    }

    /// <summary>
    /// etcd's lessor revoking an expired lease (server.go: <c>s.LeaseRevoke</c> with the server's own context): a
    /// root <c>lease_revoke</c> span in 3.7, sampled by etcd's sampler for roots.
    /// </summary>
    public void RevokeExpiredLease(long start, long leaseId)
    {
        if (!Emits) return;
        var sampler = sim.Options.EffectiveEtcd.Sampling switch
        {
            EtcdSampling.AlwaysOnRoots => new TraceIdRatioSampler(1_000_000),
            EtcdSampling.NeverRoots => new TraceIdRatioSampler(0),
            _ => sim.Sampler,
        };
        var revoke = sim.Recorder.Root(sim.Cluster.Etcd, SimulatedScope.Etcd, EtcdNames.LeaseRevoke, SpanKind.Internal, start, sampler);
        revoke.Proto?.Attributes.Add(Int(EtcdKeys.Id, leaseId));
        var end = start + sim.Random.Micros(500, 2_500);
        Raft(revoke, start, end);
        sim.Recorder.End(revoke, end);
    }

    private OpenSpan Open(SimulatedSpanContext server, string name, long start) =>
        sim.Recorder.Child(server, false, sim.Cluster.Etcd, SimulatedScope.Etcd, name, SpanKind.Internal, start);

    /// <summary>A write's proposal to raft and its result once applied (processInternalRaftRequestOnce).</summary>
    private void Raft(in OpenSpan span, long start, long end)
    {
        span.AddEvent(start + (end - start) / 10, EtcdEvents.SendRaftProposal);
        span.AddEvent(end - (end - start) / 20, EtcdEvents.ReceiveRaftResult);
    }
}
