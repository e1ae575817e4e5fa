using Kubetrace.Analysis.SpanMetrics;
using Kubetrace.Storage;
using Kubetrace.Tests.Storage;
using static Kubetrace.Tests.TestSupport.Spans;

namespace Kubetrace.Tests.Analysis;

public class SpanMetricsRecorderTests
{
    private static string Calls(SpanMetricsRecorder recorder, string service, string name)
    {
        var text = new StringWriter();
        recorder.WriteTo(text);
        return text.ToString().Split('\n').SingleOrDefault(l => l.StartsWith("traces_span_metrics_calls_total{", StringComparison.Ordinal)
            && l.Contains($"service_name=\"{service}\",span_name=\"{name}\"", StringComparison.Ordinal)) ?? "";
    }

    [Fact]
    public async Task Spans_are_counted_once_when_durable_and_not_again_when_the_wal_is_replayed()
    {
        var recorder = new SpanMetricsRecorder();
        await using var temp = new TempStore(dir => new StoreOptions { Directory = dir, SpanObserver = recorder });
        await temp.AppendAsync(Request(Resource("api", Span(1, 1, 0, "GET /", 0, 5), Span(1, 2, 1, "query", 1, 2))));
        await temp.AppendAsync(Request(Resource("api", Span(2, 1, 0, "GET /", 0, 7))));

        Assert.EndsWith("status_code=\"STATUS_CODE_UNSET\"} 2", Calls(recorder, "api", "GET /"));
        Assert.Contains("span_kind=\"SPAN_KIND_CLIENT\"", Calls(recorder, "api", "query"));

        await temp.RestartAsync(); // the WAL is replayed into the head
        Assert.Equal(2, (await temp.Store.FetchAsync(new FetchRequest(TimeRange.All, []), CancellationToken.None)).Count);
        Assert.EndsWith("} 2", Calls(recorder, "api", "GET /"));
    }
}
