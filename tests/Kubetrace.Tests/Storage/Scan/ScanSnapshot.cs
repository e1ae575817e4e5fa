using System.Globalization;
using Kubetrace.Storage;
using Kubetrace.Storage.Scan;

namespace Kubetrace.Tests.Storage.Scan;

/// <summary>What a scan delivered, as text per trace (spans sorted), so two scans compare with a readable diff.</summary>
internal static class ScanSnapshot
{
    public static async Task<SortedDictionary<string, string>> TakeAsync(ITraceStore store, SpanScanRequest request, bool fallback = false)
    {
        var traces = new SortedDictionary<string, string>(StringComparer.Ordinal);
        void Visit(ScannedTrace trace)
        {
            Assert.False(traces.ContainsKey(trace.TraceId.ToString()), $"trace {trace.TraceId} delivered twice");
            traces[trace.TraceId.ToString()] = string.Join("\n", trace.Spans.Select(Describe).Order(StringComparer.Ordinal));
        }
        if (fallback) await TraceObjectScan.ScanAsync(store, request, Visit, CancellationToken.None);
        else await store.ScanAsync(request, Visit, CancellationToken.None);
        return traces;
    }

    public static string Describe(ScannedSpan s) => string.Create(CultureInfo.InvariantCulture,
        $"{s.SpanId:x16} parent={s.ParentSpanId:x16} {s.Service}/{s.Name} {s.Kind} {s.StartUnixNano}-{s.EndUnixNano} " +
        $"error={s.IsError} message={s.StatusMessage ?? "-"} values=[{string.Join(",", s.Values.Select(v => v ?? "-"))}] " +
        $"links=[{string.Join(",", s.Links.Select(l => $"{l.TraceId}:{l.SpanId:x16}"))}]");

    /// <summary>The fast scan delivers exactly what the object scan does; returns what it delivered.</summary>
    public static async Task<SortedDictionary<string, string>> AssertSameAsFallbackAsync(ITraceStore store, SpanScanRequest request)
    {
        var expected = await TakeAsync(store, request, fallback: true);
        var actual = await TakeAsync(store, request);
        Assert.Equal(string.Join("\n\n", expected.Select(t => t.Key + "\n" + t.Value)), string.Join("\n\n", actual.Select(t => t.Key + "\n" + t.Value)));
        return actual;
    }
}
