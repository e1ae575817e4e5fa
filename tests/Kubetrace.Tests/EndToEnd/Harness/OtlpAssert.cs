using Kubetrace.Otlp.Proto.Trace;

namespace Kubetrace.Tests.EndToEnd.Harness;

/// <summary>Equality of OTLP data as OTLP defines it, with protobuf's own message equality underneath.</summary>
internal static class OtlpAssert
{
    /// <summary>
    /// Every field equal, in order. The one normalisation: an absent <c>status</c> and an empty one mean the same
    /// (UNSET) in OTLP, and clients differ in which they send (the JS SDK always sends one, .NET only when set).
    /// </summary>
    public static void SameSpan(Span expected, Span actual) =>
        Assert.Equal(WithExplicitStatus(expected), WithExplicitStatus(actual));

    /// <summary>Every span sent is in the output exactly once, with its resource and scope, and nothing else is.</summary>
    public static void OutputMatches(SentTrace sent, FileExporterOutput output)
    {
        Assert.Equal(sent.Spans.Count, output.Spans.Count);
        foreach (var expected in sent.Spans)
        {
            var actual = output.Span(OtlpValues.Hex(expected.SpanId));
            SameSpan(expected, actual.Span);
            Assert.Equal(sent.Resource, actual.Resource ?? new());
            Assert.Equal(sent.Scope, actual.Scope ?? new());
        }
    }

    /// <summary>
    /// The same spans, each under an equal resource and scope, regardless of how the server grouped them into
    /// requests and lines. An absent resource or scope equals an empty one (both mean "none" in OTLP).
    /// </summary>
    public static void SameSpans(IEnumerable<ExportedSpan> expected, IEnumerable<ExportedSpan> actual)
    {
        static List<ExportedSpan> Canonical(IEnumerable<ExportedSpan> spans) => spans
            .Select(s => new ExportedSpan(s.Resource ?? new(), s.Scope ?? new(), WithExplicitStatus(s.Span)))
            .OrderBy(s => OtlpValues.Hex(s.Span.TraceId), StringComparer.Ordinal)
            .ThenBy(s => s.SpanIdHex, StringComparer.Ordinal)
            .ThenBy(s => s.Span.Name, StringComparer.Ordinal)
            .ToList();

        var want = Canonical(expected);
        var got = Canonical(actual);
        Assert.Equal(want.Count, got.Count);
        for (var i = 0; i < want.Count; i++)
        {
            Assert.Equal(want[i].Span, got[i].Span);
            Assert.Equal(want[i].Resource, got[i].Resource);
            Assert.Equal(want[i].Scope, got[i].Scope);
        }
    }

    private static Span WithExplicitStatus(Span span)
    {
        if (span.Status is not null) return span;
        var copy = span.Clone();
        copy.Status = new Status();
        return copy;
    }
}
