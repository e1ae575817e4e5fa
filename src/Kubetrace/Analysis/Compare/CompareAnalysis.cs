using System.Globalization;

namespace Kubetrace.Analysis.Compare;

/// <summary><c>compare &lt;trace-a&gt; &lt;trace-b&gt;</c>: two traces of one operation, span by span.</summary>
public static class CompareAnalysis
{
    public static AnalysisDefinition Definition { get; } = new("compare",
        "Two traces of the same operation side by side: spans matched by path, latency difference per span",
        RunAsync)
    {
        Arguments =
        [
            new AnalysisParameter("trace-a", "The reference trace (hex)"),
            new AnalysisParameter("trace-b", "The trace compared with it (hex)"),
        ],
    };

    private static async Task<AnalysisResult> RunAsync(AnalysisRequest request, CancellationToken cancellationToken)
    {
        var a = await SingleTrace.LoadAsync(request.Store, request.RequireTraceId("trace-a"), [], cancellationToken).ConfigureAwait(false);
        var b = await SingleTrace.LoadAsync(request.Store, request.RequireTraceId("trace-b"), [], cancellationToken).ConfigureAwait(false);
        var comparison = TraceComparer.Compare(a, b, request.Samples);
        return new AnalysisResult(comparison, Table(comparison));
    }

    private static AnalysisTable Table(TraceComparison c)
    {
        var rows = c.Spans.Select(s => (IReadOnlyList<string>)
        [
            new string(' ', 2 * s.Depth) + s.Name,
            s.Service,
            s.DurationA is { } a ? AnalysisText.Duration(a) : "—",
            s.DurationB is { } b ? AnalysisText.Duration(b) : "—",
            Signed(s.DifferenceNanos),
            Signed(s.SelfDifferenceNanos),
            s.DurationA is null ? "only in B" : s.DurationB is null ? "only in A" : Ratio(s.DurationA.Value, s.DurationB.Value),
        ]).ToList();
        var notes = new List<string>
        {
            $"A {c.TraceA}: {AnalysisText.Duration(c.DurationA)}; B {c.TraceB}: {AnalysisText.Duration(c.DurationB)} ({Signed(c.DurationB - c.DurationA)}); " +
            $"{AnalysisText.Count(c.Matched)} spans matched by path, {AnalysisText.Count(c.OnlyInA.Count)} only in A, {AnalysisText.Count(c.OnlyInB.Count)} only in B",
        };
        if (c.Spans.Where(s => s.SelfDifferenceNanos != 0).MaxBy(s => Math.Abs(s.SelfDifferenceNanos)) is { } culprit)
            notes.Add($"biggest change of a span's own time: {culprit.Service} {culprit.Name} ({Signed(culprit.SelfDifferenceNanos)}) — {culprit.Path}");
        notes.AddRange(c.Notes);
        return new AnalysisTable($"Trace {c.TraceA} (A) vs {c.TraceB} (B)",
            ["Span", "Service", "A", "B", "B − A", "Own time B − A", "Match"], rows)
        {
            Notes = notes, Samples = c.Spans.Select(s => s.Sample).ToList(), Sampling = c.Sampling,
        };
    }

    private static string Signed(long nanos) => AnalysisText.Signed(nanos);

    private static string Ratio(long a, long b) =>
        a == 0 ? "matched" : "×" + ((double)b / a).ToString("0.##", CultureInfo.InvariantCulture);
}
