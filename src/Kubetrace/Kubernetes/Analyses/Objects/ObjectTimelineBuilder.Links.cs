using Kubetrace.Analysis;
using Kubetrace.Storage;

namespace Kubetrace.Kubernetes.Analyses.Objects;

/// <summary>
/// Span links, both directions. Out: a request about the object links to its caller's span (kubectl, a
/// controller). In: a trace about the object (kubelet's syncPod) made calls whose apiserver traces start new roots
/// linking back to it — GETs of the pod's secrets and config maps name nothing of the pod, so only the reverse
/// link lookup of the store finds them.
/// </summary>
public sealed partial class ObjectTimelineBuilder
{
    /// <summary>How far back along links to go: the requests the object's traces made, and the requests those made.</summary>
    public const int LinkInHops = 2;

    /// <summary>Traces joined because they link to a span on the timeline.</summary>
    private readonly HashSet<TraceId> _linksIn = [];

    /// <summary>
    /// Joins traces by span links, both ways between the traces on the timeline, and one hop out to traces that do
    /// not name the object (a controller's or kubectl's call): the linked span and the spans enclosing it are added.
    /// </summary>
    private async Task FollowLinksAsync(CancellationToken cancellationToken)
    {
        foreach (var row in _rows.Values.ToList())
        foreach (var link in row.Node.Span.Links)
        {
            if (!await LoadAsync(link.TraceId, found: false, cancellationToken).ConfigureAwait(false)) continue;
            var (_, tree, _) = _traces[link.TraceId];
            if (tree.Find(link.SpanId) is not { } linked) continue;
            var how = LinkedFrom(row.TraceId, row.Node);
            if (_rows.TryGetValue((link.TraceId, link.SpanId), out var existing)) existing.Also.Add(how);
            else
            {
                Add(link.TraceId, linked, TimelineRelation.Link, how);
                foreach (var ancestor in linked.Ancestors())
                    Add(link.TraceId, ancestor, TimelineRelation.Link, "encloses the linked " + linked.Span.Name);
            }
            row.Also.Add(LinksTo(link.TraceId, linked));
        }
    }

    /// <summary>
    /// Joins the traces that link in to the timeline: first to the traces that name the object, then (up to
    /// <see cref="LinkInHops"/>) to the traces joined at the hop before, each hop at most the limit of traces.
    /// A linking span comes with everything under it (the request it served) and the spans enclosing it; it
    /// counts only when the span it links to is on the timeline for itself, not as a mere enclosing span.
    /// </summary>
    private async Task FollowLinksInAsync(CancellationToken cancellationToken)
    {
        var targets = _traces.Where(t => t.Value.Found).Select(t => t.Key).ToList();
        for (var hop = 1; hop <= LinkInHops && targets.Count > 0; hop++)
        {
            var linking = await store.FindLinkingTracesAsync(targets, range, maxTraces, cancellationToken).ConfigureAwait(false);
            if (linking.Count >= maxTraces)
                _notes.Add($"{linking.Count} or more traces link in to the timeline (hop {hop}): the most recent {maxTraces} are shown (--limit)");
            targets = [];
            foreach (var id in linking.Select(l => l.TraceId).Distinct())
            {
                if (_traces.ContainsKey(id)) continue; // on the timeline already: its links out were followed
                if (!await LoadAsync(id, found: false, cancellationToken).ConfigureAwait(false)) continue;
                if (!AddLinkingSpans(id)) continue;
                _linksIn.Add(id);
                targets.Add(id);
            }
        }
    }

    /// <summary>Adds the spans of a trace that link to a span on the timeline; false when none does.</summary>
    private bool AddLinkingSpans(TraceId id)
    {
        var added = false;
        foreach (var node in _traces[id].Tree.Nodes.ToList())
        foreach (var link in node.Span.Links)
        {
            if (!_rows.TryGetValue((link.TraceId, link.SpanId), out var target) || target.Relation == TimelineRelation.Encloses) continue;
            Add(id, node, TimelineRelation.Link, LinksTo(link.TraceId, target.Node));
            foreach (var descendant in node.Descendants()) Add(id, descendant, TimelineRelation.Link, "under " + node.Span.Name);
            foreach (var ancestor in node.Ancestors()) Add(id, ancestor, TimelineRelation.Link, "encloses the linking " + node.Span.Name);
            target.Also.Add(LinkedFrom(id, node));
            added = true;
        }
        return added;
    }

    private static string LinksTo(TraceId trace, SpanTree.Node span) => $"links to {span.Span.Service} {span.Span.Name} (trace {trace})";

    private static string LinkedFrom(TraceId trace, SpanTree.Node span) => $"linked from {span.Span.Service} {span.Span.Name} (trace {trace})";
}
