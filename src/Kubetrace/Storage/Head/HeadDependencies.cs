using Kubetrace.Storage.Model;

namespace Kubetrace.Storage.Head;

/// <summary>Finds parent→child service calls in a head: for each span, the service of its parent span in the same trace.</summary>
internal static class HeadDependencies
{
    /// <summary>Calls <paramref name="onCall"/>(child start, parent service, child service, child is error)
    /// for every span whose parent is present and belongs to a different service.</summary>
    public static void Scan(HeadBlock head, Action<ulong, string, string, bool> onCall)
    {
        var table = head.Table;
        var published = table.Count;
        var serviceBySpan = new Dictionary<ulong, int>();
        var rows = new List<int>();
        for (var ordinal = 0; ordinal < head.TraceCount; ordinal++)
        {
            serviceBySpan.Clear();
            rows.Clear();
            for (var row = head.FirstRowOfTrace(ordinal); row >= 0 && row < published; row = head.NextRowInTrace(row))
            {
                rows.Add(row);
                serviceBySpan[table.SpanIds.Items[row]] = table.Resources.Items[row];
            }
            foreach (var row in rows)
            {
                var parent = table.ParentSpanIds.Items[row];
                if (parent == 0 || !serviceBySpan.TryGetValue(parent, out var parentResource)) continue;
                var parentService = table.Dictionaries.Resources[parentResource].Service;
                var childService = table.Service(row);
                if (parentService == childService) continue;
                onCall(table.Starts.Items[row], parentService, childService, table.StatusCode(row) == 2);
            }
        }
    }
}
