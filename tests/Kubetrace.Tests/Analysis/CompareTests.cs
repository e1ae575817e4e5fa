using Kubetrace.Analysis.Compare;
using static Kubetrace.Tests.Analysis.ScannedTraces;

namespace Kubetrace.Tests.Analysis;

/// <summary>Two runs of one operation, matched span by span.</summary>
public sealed class CompareTests
{
    private static readonly Kubetrace.Storage.Scan.ScannedTrace Fast = new ScannedTraces(1)
        .Span(1, 0, "api", "handle", 0, 100)
        .Span(2, 1, "db", "query", 10, 30)
        .Span(3, 1, "db", "query", 40, 60)
        .Span(4, 1, "cache", "get", 60, 90)
        .Build();

    // The second query got 80ms slower, the cache lookup is gone and an auth check appeared.
    private static readonly Kubetrace.Storage.Scan.ScannedTrace Slow = new ScannedTraces(2)
        .Span(11, 0, "api", "handle", 0, 180)
        .Span(12, 11, "db", "query", 10, 30)
        .Span(13, 11, "db", "query", 40, 140)
        .Span(14, 11, "auth", "check", 140, 170)
        .Build();

    [Fact]
    public void Spans_are_matched_by_path_with_sibling_index_and_the_biggest_difference_comes_first()
    {
        var comparison = TraceComparer.Compare(Fast, Slow);

        Assert.Equal(
        [
            ("api:handle", Ms(80)),
            ("api:handle/db:query[1]", Ms(80)),
            ("api:handle/auth:check", Ms(30)),
            ("api:handle/cache:get", -Ms(30)),
            ("api:handle/db:query", 0),
        ], comparison.Spans.Select(s => (s.Path, s.DifferenceNanos)));
        Assert.Equal(3, comparison.Matched);
        Assert.Equal(["api:handle/cache:get"], comparison.OnlyInA.Select(s => s.Path));
        Assert.Equal(["api:handle/auth:check"], comparison.OnlyInB.Select(s => s.Path));
        Assert.Equal((Ms(100), Ms(180)), (comparison.DurationA, comparison.DurationB));
    }

    [Fact]
    public void Own_time_difference_points_at_the_span_that_got_slower_not_at_its_ancestors()
    {
        var comparison = TraceComparer.Compare(Fast, Slow);

        var root = comparison.Spans.Single(s => s.Path == "api:handle");
        var query = comparison.Spans.Single(s => s.Path == "api:handle/db:query[1]");
        Assert.Equal(0, root.SelfDifferenceNanos); // 100-20-20-30 = 30 own time in A; 180-20-100-30 = 30 in B
        Assert.Equal(Ms(80), query.SelfDifferenceNanos);
        Assert.Equal(("0000000000000003", "000000000000000d"), (query.SpanIdA, query.SpanIdB));
    }

    [Fact]
    public void Different_operations_are_flagged()
    {
        var other = new ScannedTraces(3).Span(1, 0, "api", "delete", 0, 10).Build();

        var comparison = TraceComparer.Compare(Fast, other);

        Assert.Equal(0, comparison.Matched);
        Assert.Contains(comparison.Notes, n => n.Contains("different operations", StringComparison.Ordinal));
    }
}
