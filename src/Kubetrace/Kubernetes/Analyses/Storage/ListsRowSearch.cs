using Kubetrace.Analysis;
using Kubetrace.Kubernetes.Catalog;
using Kubetrace.Kubernetes.Semantics;
using static Kubetrace.Analysis.TraceQlText;

namespace Kubetrace.Kubernetes.Analyses.Storage;

/// <summary>
/// The search for a <c>lists</c> row's LISTs: their <c>List</c> handler spans (verb LIST) naming the row's
/// resource (from 1.29, when handlers carry the group), whose user agent starts with the row's caller (or that
/// carry none), and that are, or are not, ancestors of an etcd list and a cacher list as the row's "served from"
/// says (<see cref="ListsAnalysis"/>). A TraceQL query: where a LIST was served is told by the spans under it.
/// </summary>
/// <remarks>Null for a row whose resource the handler does not name (read from a cacher or storage span below it).</remarks>
internal static class ListsRowSearch
{
    private static readonly string FromEtcd = Filter($"name = {Quote(StorageNames.ListRecursive)}");

    private static readonly string FromCache = Filter(Any($"name = {Quote(StorageNames.CacherListOld)}", $"name = {Quote(StorageNames.CacherGetList)}"));

    private static readonly string EitherList = Filter(Any($"name = {Quote(StorageNames.ListRecursive)}",
        $"name = {Quote(StorageNames.CacherListOld)}", $"name = {Quote(StorageNames.CacherGetList)}"));

    public static RowSearch? Of(ListsRow row)
    {
        if (!ResourceConditions.IsNamed(row.Resource)) return null;
        var handler = Filter($"name = {Quote(ApiserverSpans.List)}", Equal(ApiserverKeys.Verb, "LIST"), ResourceConditions.OnHandler(row.Resource), Caller(row.Caller));
        return RowSearch.Query(row.ServedFrom switch
        {
            ListsAnalysis.FromEtcd => $"{FromEtcd} << {handler}",
            // From the cache: a cacher list below, and no etcd list (a consistent read the cache could not serve falls back to etcd).
            ListsAnalysis.FromCache => $"{FromEtcd} !<< ({FromCache} << {handler})",
            _ => $"{EitherList} !<< {handler}",
        });
    }

    /// <summary>The user agent's product is the caller: it is the whole agent or followed by <c>/</c> or a space; unknown: no agent.</summary>
    private static string Caller(string caller) => caller == ListsAnalysis.Unknown
        ? Any(NormalisedAbsent(K8sKeys.UserAgent), Normalised(K8sKeys.UserAgent, key => Equal(key, "")))
        : Normalised(K8sKeys.UserAgent, key => Matches(key, EscapeRegex(caller) + "([/ ].*)?"));
}
