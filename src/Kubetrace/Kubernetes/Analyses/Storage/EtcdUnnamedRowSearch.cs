using Kubetrace.Analysis;
using Kubetrace.Kubernetes.Catalog;
using static Kubetrace.Analysis.TraceQlText;
using static Kubetrace.Kubernetes.Analyses.Storage.EtcdCallConditions;

namespace Kubetrace.Kubernetes.Analyses.Storage;

/// <summary>
/// The search for an <c>etcd</c> row that no span names a resource for: <c>(compaction)</c> and <c>(unknown)</c>, on
/// either side. <see cref="EtcdCallContext.Describe"/> tells them by what is absent, and each reading is a condition
/// on one span's attributes, so TraceQL's negated structural operators say it: no span above the call names a
/// resource (a storage span's <c>resource</c>, a cacher's <c>type</c>, a handler's <c>resource</c>), no such span
/// carries a <c>key</c> that names one (<see cref="StorageResource.FromKey"/> names a resource for any key but
/// slashes and <c>/registry/</c> alone: <see cref="NoResourceKey"/>), and no etcd 3.7 request span under the call's
/// server span does either (<c>range_begin</c>, else <c>compare_first_key</c>). <c>(compaction)</c> is the compactor's
/// key in either place, or a <c>KV/Compact</c> that nothing names.
/// </summary>
/// <remarks>
/// Where the analysis reads the nearest of several spans (the nearest keyed span above the call, the first request
/// span under its server span), the search takes any of them: the two differ only for a call under two keyed spans
/// whose keys disagree, which no release's apiserver writes (one storage span a call, its handler carries no key).
/// The operation is the call's parent, as for the named rows (<see cref="EtcdRowSearch"/>).
/// </remarks>
internal static class EtcdUnnamedRowSearch
{
    /// <summary>A key <see cref="StorageResource.FromKey"/> reads no resource from: slashes, with or without <c>registry/</c>.</summary>
    public const string NoResourceKey = "/*(registry/+)?";

    private static readonly string StorageSpan = $"name =~ {Quote(".* etcd3")}";
    private static readonly string NotStorageSpan = $"name !~ {Quote(".* etcd3")}";
    private static readonly string CacherSpan = $"name =~ {Quote("cacher.*")}";
    private static readonly string NotCacherSpan = $"name !~ {Quote("cacher.*")}";
    private static readonly string HandlerSpan = $"{Span(ApiserverKeys.Verb)} != nil";

    /// <summary>A span the analysis reads a call's operation and resource from: storage, cacher or handler.</summary>
    private static readonly string OperationSpan = Any(StorageSpan, CacherSpan, HandlerSpan);

    /// <summary>Such a span naming a resource, read in the analysis's order: storage, else cacher, else handler.</summary>
    private static readonly string Naming = Any(
        All(StorageSpan, NonEmpty(StorageKeys.Resource)),
        All(NotStorageSpan, CacherSpan, $"{Span(StorageKeys.Type)} != nil"),
        All(NotStorageSpan, NotCacherSpan, HandlerSpan, NonEmpty(ApiserverKeys.Resource)));

    private static readonly string KeyNamesAny = All(OperationSpan, NotMatches(StorageKeys.Key, NoResourceKey));
    private static readonly string KeyIsCompaction = All(OperationSpan, Equal(StorageKeys.Key, StorageResource.CompactRevKey));

    private static readonly string[] RequestKeys = [EtcdKeys.RangeBegin, EtcdKeys.CompareFirstKey];
    private static readonly string RequestNamesAny = FirstPresent(RequestKeys, key => NotMatches(key, NoResourceKey));
    private static readonly string RequestIsCompaction = FirstPresent(RequestKeys, key => Equal(key, StorageResource.CompactRevKey));

    public static RowSearch? Of(EtcdOperationLatency row)
    {
        var unknown = row.Resource == StorageResource.Unknown;
        if (!unknown && row.Resource != StorageResource.Compaction) return null;
        var apiserver = row.MeasuredOn == "apiserver";
        var calls = On(row.MeasuredOn, Method(row.Method));
        // The operation: the call's parent, or none above it at all.
        var underOperation = row.StorageOperation.Length == 0
            ? $"{Filter(OperationSpan)} !>> ({calls})"
            : $"{Filter(OperationSpan, $"name = {Quote(row.StorageOperation)}")} > ({calls})";
        var unnamed = $"{Filter(Naming)} !>> ({underOperation})";
        string WithoutKey(string inner) => $"{Filter(KeyNamesAny)} !>> ({inner})";
        string Request(string keyTest, bool present, string inner)
        {
            var server = apiserver ? $"({Filter(keyTest)} < {Filter("kind = server", Rpc)})" : Filter(keyTest);
            return $"{server} {(present ? "<" : "!<")} ({inner})";
        }
        if (unknown) return RowSearch.Query(WithoutKey(Request(RequestNamesAny, false, unnamed)));
        var branches = new List<string>
        {
            $"{Filter(KeyIsCompaction)} >> ({unnamed})",
            WithoutKey(Request(RequestIsCompaction, true, unnamed)),
        };
        if (row.Method == "KV/Compact") branches.Add(WithoutKey(Request(RequestNamesAny, false, unnamed)));
        return RowSearch.Query(string.Join(" || ", branches.Select(b => $"({b})")));
    }

    private static string NonEmpty(string key) => $"{Span(key)} != \"\"";
}
