using static Kubetrace.Analysis.TraceQlText;

namespace Kubetrace.Kubernetes.Analyses.Storage;

/// <summary>
/// TraceQL for the etcd calls as <see cref="EtcdCallContext"/> measures them, for the etcd analyses' row searches:
/// each call once, on the apiserver's etcd client span, or on etcd's server span when no etcd client span is its
/// parent. A method is read from the span's name (<c>etcdserverpb.KV/Range</c>), which every release's otelgrpc
/// names so (<c>rpc.method</c>, where the analyses may read it first, says the same).
/// </summary>
internal static class EtcdCallConditions
{
    private const string Package = "etcdserverpb.";

    /// <summary>An etcd RPC span, either side (<see cref="ApiserverPhase.IsEtcdRpc"/>).</summary>
    public static string Rpc { get; } = $"name =~ {Quote(EscapeRegex(Package) + ".*")}";

    /// <summary>The call's method (<c>KV/Txn</c>).</summary>
    public static string Method(string method) => $"name = {Quote(Package + method)}";

    /// <summary>Not the method (<c>KV/Compact</c>).</summary>
    public static string NotMethod(string method) => $"name != {Quote(Package + method)}";

    /// <summary>An apiserver-side call: the etcd client span meeting <paramref name="conditions"/>.</summary>
    public static string OnApiserver(params string[] conditions) => Filter(["kind = client", .. conditions]);

    /// <summary>An etcd-side call: etcd's server span meeting <paramref name="conditions"/>, no etcd client span its parent.</summary>
    public static string OnEtcd(params string[] conditions) => $"{Filter("kind = client", Rpc)} !> {Filter(["kind = server", .. conditions])}";

    /// <summary>The calls measured on <paramref name="side"/> (<c>apiserver</c> or <c>etcd</c>, as a row's Measured on).</summary>
    public static string On(string side, params string[] conditions) => side == "apiserver" ? OnApiserver(conditions) : OnEtcd(conditions);
}
