using Kubetrace.Otlp.Proto.Trace;
using Kubetrace.Tests.Storage;
using static Kubetrace.Tests.TestSupport.Spans;

namespace Kubetrace.Tests.Query;

/// <summary>Traces large enough for a query's byte limits to matter: what the query budget and streaming tests search.</summary>
internal static class BulkyTraces
{
    /// <summary>
    /// <paramref name="count"/> traces (1 newest … <paramref name="count"/> oldest, 100 ms apart) of service apiserver,
    /// each a root named by <paramref name="rootName"/> with an "etcd get" and an "etcd list" child, every span with a
    /// 4 KB attribute: ~12 KB per trace.
    /// </summary>
    public static async Task<TempStore> StoreAsync(int count, Func<int, string>? rootName = null)
    {
        var store = new TempStore();
        var payload = new string('x', 4096);
        var resources = new List<ResourceSpans>();
        for (var trace = 1; trace <= count; trace++)
        {
            var start = (count - trace) * 100;
            resources.Add(Resource("apiserver",
                Span(trace, 1, 0, rootName?.Invoke(trace) ?? "GET /api/v1/pods", start, 50, ("blob", payload)),
                Span(trace, 2, 1, "etcd get", start + 1, 10, ("blob", payload)),
                Span(trace, 3, 1, "etcd list", start + 2, 10, ("blob", payload))));
        }
        await store.AppendAsync(Request([.. resources]));
        return store;
    }
}
