using Kubetrace.Analysis;
using Kubetrace.Kubernetes.Catalog;
using static Kubetrace.Analysis.TraceQlText;

namespace Kubetrace.Kubernetes.Analyses.Storage;

/// <summary>
/// The search for an <c>etcd</c> row's calls measured on the apiserver: its etcd client spans of the row's method
/// whose parent is the row's operation, the resource named by it or a span above it as <see cref="EtcdCallContext"/>
/// reads them (a storage span's <c>resource</c> and <c>group</c>, a cacher span's <c>type</c>, a handler's
/// <c>resource</c> and <c>api-group</c>). A TraceQL query: the resource is on the spans above the call.
/// </summary>
/// <remarks>
/// Rows that no span names a resource for, <c>(compaction)</c> and <c>(unknown)</c>, are told by what is absent:
/// <see cref="EtcdUnnamedRowSearch"/>. Null for named rows measured on etcd's side (no client span above) and named
/// rows without an operation. A call whose operation span sits further up than its parent (none does in the
/// catalog's releases) would not be found.
/// </remarks>
internal static class EtcdRowSearch
{
    private static string Storage(string resource) => All($"name =~ {Quote(".* etcd3")}", ResourceConditions.OnStorage(resource));

    private static string Cacher(string resource) => All($"name =~ {Quote("cacher.*")}", ResourceConditions.OnCacher(resource));

    private static string Handler(string resource) => All($"{Span(ApiserverKeys.Verb)} != nil", ResourceConditions.OnHandler(resource));

    /// <summary>The condition under which the operation span names the resource itself.</summary>
    private static string Naming(string operation, string resource) =>
        ApiserverPhase.IsStorage(operation) ? ResourceConditions.OnStorage(resource)
        : operation.StartsWith("cacher", StringComparison.Ordinal) ? ResourceConditions.OnCacher(resource)
        : Handler(resource);

    public static RowSearch? Of(EtcdOperationLatency row)
    {
        if (EtcdUnnamedRowSearch.Of(row) is { } unnamed) return unnamed;
        if (row.MeasuredOn != "apiserver" || row.StorageOperation.Length == 0 || !ResourceConditions.IsNamed(row.Resource)) return null;
        var operation = $"name = {Quote(row.StorageOperation)}";
        var call = EtcdCallConditions.OnApiserver(EtcdCallConditions.Method(row.Method));
        // Named by the operation itself, or (a storage span without resource attributes, such as a LIST's) by a span above it.
        return RowSearch.Query($"({Filter(operation, Naming(row.StorageOperation, row.Resource))} > {call}) || " +
                               $"({Filter(Any(Storage(row.Resource), Cacher(row.Resource), Handler(row.Resource)))} >> ({Filter(operation)} > {call}))");
    }
}
