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

    [Fact]
    public void Guides_continue_only_below_ancestors_that_have_later_siblings()
    {
        // root
        // ├─ a
        // │  └─ a1
        // └─ b            (the last child, with children of its own)
        //    ├─ b1
        //    │  └─ b1x    (depth 3: b is last, so no guide under it; b1 has a later sibling, so a guide)
        //    └─ b2
        //       └─ b2x
        var tree = TraceTree.From(SampleRequests.WithSpans(
            Span("root", id: 1, parent: 0, startMs: 0, lengthMs: 100),
            Span("a", id: 2, parent: 1, startMs: 1),
            Span("a1", id: 3, parent: 2, startMs: 2),
            Span("b", id: 4, parent: 1, startMs: 20, lengthMs: 50),
            Span("b1", id: 5, parent: 4, startMs: 21),
            Span("b1x", id: 6, parent: 5, startMs: 22),
            Span("b2", id: 7, parent: 4, startMs: 40),
            Span("b2x", id: 8, parent: 7, startMs: 41)));

        Assert.Equal(
        [
            "root",
            "├─ a",
            "│  └─ a1",
            "└─ b",
            "   ├─ b1",
            "   │  └─ b1x",
            "   └─ b2",
            "      └─ b2x",
        ], tree.Rows.Select(TraceView.Label));
    }

    [Theory]
    [InlineData(80)]
    [InlineData(100)]
    public void On_a_narrow_terminal_every_row_of_a_deep_trace_starts_its_name_right_of_its_parents(int width)
    {
        // Ten levels, as an apiserver request's filters nest (audit > impersonation > APF > authorization > handler >
        // webhook > HTTP POST), the last level two siblings: at 80 columns the guides no longer fit whole.
        var spans = Enumerable.Range(0, 10)
            .Select(d => Span($"L{d} span name long enough to be cut", id: d + 1, parent: d, startMs: d, lengthMs: 100 - d))
            .Append(Span("L9 second child of L8 also cut", id: 11, parent: 9, startMs: 50, lengthMs: 10));
        var tree = TraceTree.From(SampleRequests.WithSpans([.. spans]));

        var output = new StringWriter();
        var console = Spectre.Console.AnsiConsole.Create(new Spectre.Console.AnsiConsoleSettings
        {
            Ansi = Spectre.Console.AnsiSupport.No, ColorSystem = Spectre.Console.ColorSystemSupport.NoColors,
            Out = new Spectre.Console.AnsiConsoleOutput(output),
        });
        console.Profile.Width = width;
        console.Write(TraceView.Render("0af7651916cd43dd8448eb211c80319c", tree, width));
        var rows = output.ToString().ReplaceLineEndings("\n").Split('\n').Where(l => l.Contains(TraceView.Bar)).ToList();

        Assert.Equal(11, rows.Count);
        Assert.All(rows, r => Assert.True(r.Length <= width, $"wider than {width}: {r}"));
        var starts = rows.Select((r, i) => r.IndexOf($"L{Math.Min(i, 9)} ", StringComparison.Ordinal)).ToList();
        Assert.All(starts, s => Assert.True(s >= 0, string.Join("\n", rows)));
        for (var d = 1; d < 10; d++)
            Assert.True(starts[d] > starts[d - 1], $"L{d} does not start right of its parent L{d - 1}:\n{string.Join("\n", rows)}");
        Assert.Equal(starts[9], starts[10]); // siblings line up
        Assert.Contains("├", rows[9][..starts[9]]); // the first of two siblings, the second the last
        Assert.Contains("└", rows[10][..starts[10]]);
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
