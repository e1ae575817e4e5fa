using Google.Protobuf;
using Kubetrace.Cli.Query;
using Kubetrace.Otlp.Proto.Trace;

namespace Kubetrace.Tests.Cli;

/// <summary>How <c>kubetrace trace</c> orders spans that do not form one clean tree: nothing may be hidden or loop.</summary>
public sealed class TraceTreeTests
{
    [Fact]
    public void A_span_whose_parent_has_not_arrived_is_a_top_level_row_after_the_root_by_start_time()
    {
        var tree = TraceTree.From(SampleRequests.WithSpans(
            Span("late child", id: 3, parent: 9, startMs: 50),
            Span("root", id: 1, parent: 0, startMs: 0),
            Span("child", id: 2, parent: 1, startMs: 10)));

        Assert.Equal(["root", "child", "late child"], tree.Rows.Select(r => r.Name));
        Assert.Equal([0, 1, 0], tree.Rows.Select(r => r.Depth));
        Assert.Equal(0, tree.Rows[0].StartNanos - tree.StartNanos);
        Assert.Equal(60_000_000, tree.DurationNanos); // from the root's start to the late child's end
    }

    [Fact]
    public void Spans_that_are_each_others_parents_are_each_listed_once()
    {
        var tree = TraceTree.From(SampleRequests.WithSpans(
            Span("a", id: 1, parent: 2, startMs: 0),
            Span("b", id: 2, parent: 1, startMs: 5)));

        Assert.Equal(["a", "b"], tree.Rows.Select(r => r.Name));
    }

    [Fact]
    public void A_bar_is_at_least_one_cell_and_never_runs_past_the_timeline()
    {
        var tree = TraceTree.From(SampleRequests.WithSpans(
            Span("root", id: 1, parent: 0, startMs: 0, lengthMs: 1000),
            Span("instant", id: 2, parent: 1, startMs: 999, lengthMs: 0)));

        var bar = TraceView.Timeline(tree.Rows[1], tree, 20);

        Assert.Equal(20, bar.Length);
        Assert.Equal(new string(' ', 19) + TraceView.Bar, bar);
    }

    private static OtlpSpan Span(string name, int id, int parent, int startMs, int lengthMs = 10)
    {
        var span = SampleRequests.ValidSpan(name);
        span.SpanId = ByteString.CopyFrom(BitConverter.GetBytes((long)id));
        span.ParentSpanId = parent == 0 ? ByteString.Empty : ByteString.CopyFrom(BitConverter.GetBytes((long)parent));
        span.StartTimeUnixNano = 1_700_000_000_000_000_000UL + (ulong)startMs * 1_000_000;
        span.EndTimeUnixNano = span.StartTimeUnixNano + (ulong)lengthMs * 1_000_000;
        return span;
    }
}
