using Kubetrace.Kubernetes.Analyses;
using Kubetrace.Storage.Scan;

namespace Kubetrace.Tests.Kubernetes.Analyses;

/// <summary>
/// Parent and child links of a scanned trace, the same whether the trace is small (parents found by searching the
/// span IDs) or large (by hashing them), with the scanner's instance reloaded trace after trace.
/// </summary>
public sealed class TraceTreeTests
{
    private static ScannedTrace Trace(params (ulong Id, ulong Parent)[] spans)
    {
        var trace = new ScannedTrace();
        foreach (var (id, parent) in spans) trace.Spans.Add(new ScannedSpan { SpanId = id, ParentSpanId = parent, Name = $"s{id}" });
        return trace;
    }

    private static List<int> Children(TraceTree tree, int index)
    {
        var children = new List<int>();
        for (var child = tree.FirstChildOf(index); child >= 0; child = tree.NextSiblingOf(child)) children.Add(child);
        return children;
    }

    [Theory]
    [InlineData(5)]
    [InlineData(48)]
    [InlineData(49)]
    [InlineData(500)]
    public void A_chain_in_any_order_links_every_span_to_its_parent(int length)
    {
        // Span k+1's parent is span k, stored in reverse order (children before parents, as clock skew can leave them).
        var trace = Trace([.. Enumerable.Range(1, length).Reverse().Select(k => ((ulong)k + 100, k == 1 ? 0UL : (ulong)k + 99))]);
        var tree = new TraceTree();

        tree.Load(trace);

        for (var i = 0; i < length; i++)
            Assert.Equal(i == length - 1 ? -1 : i + 1, tree.ParentOf(i));
        var subtree = new List<int>();
        tree.CollectSubtree(length - 1, subtree);
        Assert.Equal(Enumerable.Range(0, length).Reverse(), subtree);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(60)]
    public void Missing_parents_and_self_parents_make_roots_and_a_duplicate_id_takes_the_last_span(int padding)
    {
        (ulong, ulong)[] spans = [(1, 0), (2, 1), (3, 99), (4, 4), (2, 1), (5, 2)];
        var trace = Trace([.. spans, .. Enumerable.Range(0, padding).Select(i => (1000UL + (ulong)i, 1UL))]);
        var tree = new TraceTree();

        tree.Load(trace);

        Assert.Equal([-1, 0, -1, -1, 0, 4], Enumerable.Range(0, 6).Select(tree.ParentOf));
        Assert.Equal([5], Children(tree, 4));
        Assert.Empty(Children(tree, 1));
    }

    [Fact]
    public void Reloading_with_a_smaller_trace_forgets_the_larger_one()
    {
        var tree = new TraceTree();
        tree.Load(Trace([.. Enumerable.Range(1, 100).Select(k => ((ulong)k, k == 1 ? 0UL : 1UL))]));

        tree.Load(Trace((7, 0), (8, 7), (9, 50)));

        Assert.Equal(3, tree.Count);
        Assert.Equal([-1, 0, -1], Enumerable.Range(0, 3).Select(tree.ParentOf));
        Assert.Equal([1], Children(tree, 0));
    }
}
