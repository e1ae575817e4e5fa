using Kubetrace.Kubernetes.Analyses;
using Kubetrace.Storage;
using SpanKind = Kubetrace.Otlp.Proto.Trace.Span.Types.SpanKind;

namespace Kubetrace.Tests.Kubernetes.Analyses;

/// <summary>The <c>webhooks</c> analysis as a library, over hand-built admission calls.</summary>
public sealed class WebhookLatencyAnalysisTests
{
    private static WebhookLatencyReport Analyse(IEnumerable<TraceBuilder> traces)
    {
        var analysis = new WebhookLatencyAnalysis(new TimeRange(0, long.MaxValue));
        foreach (var trace in traces) analysis.Add(trace.Scanned(analysis.ScanRequest));
        return analysis.Report();
    }

    /// <summary>How one webhook call ends: its HTTP POST's status code, error message, and the URL's timeout.</summary>
    private sealed record Outcome(int Status = 200, string? Error = null, string Url = "https://hook.svc:443/?timeout=10s");

    /// <summary>A 1.34 pod create (verb CREATE) whose handler calls the given webhooks one after another, then stops 1 ms later.</summary>
    private static TraceBuilder PodCreate(params (string Configuration, string Name, double Ms, Outcome Outcome)[] webhooks)
    {
        var t = new TraceBuilder();
        var total = 2 + webhooks.Sum(w => w.Ms);
        var root = t.Add("apiserver", "POST /api/v1/namespaces/{:namespace}/pods", SpanKind.Server, null, 0, total, ("http.method", "POST"));
        var handler = t.Internal("Create", root, 0.5, total - 0.5, ("verb", "POST"), ("resource", "pods"));
        var at = 1.0;
        foreach (var (configuration, name, ms, outcome) in webhooks)
        {
            var call = t.Internal("Call validating webhook", handler, at, at + ms,
                ("configuration", configuration), ("webhook", name), ("resource", "pods"), ("subresource", ""), ("operation", "CREATE"));
            (string, object)[] attributes = outcome.Status == 0 ? [("http.url", outcome.Url)] : [("http.url", outcome.Url), ("http.status_code", outcome.Status)];
            var post = t.Add("apiserver", "HTTP POST", SpanKind.Client, call, at, at + ms, attributes);
            if (outcome.Error is not null || outcome.Status >= 500) TraceBuilder.Fail(post, outcome.Error ?? "");
            at += ms;
        }
        return t;
    }

    [Fact]
    public void A_webhook_that_fails_calls_ranks_before_a_slower_one_that_works()
    {
        var traces = Enumerable.Range(0, 10).Select(i => PodCreate(
            ("slow", "a.example.com", 100, new Outcome()),
            ("failing", "b.example.com", 5, new Outcome(i < 3 ? 500 : 200))));

        var report = Analyse(traces);

        Assert.Equal(["failing/b.example.com", "slow/a.example.com"], report.Webhooks.Select(w => $"{w.Configuration}/{w.Name}"));
        var failing = report.Webhooks[0];
        Assert.Equal((10L, 3L, 0.3, 0L, 0.0), (failing.Calls, failing.Errors, failing.ErrorRate, failing.Timeouts, failing.TimeoutRate));
        Assert.Equal((5.0, 5.0), (failing.P50Ms, failing.P99Ms));
        Assert.Equal(("validating", "pods", "CREATE", 10L), (failing.Type, failing.Intercepts[0].Resource, failing.Intercepts[0].Operation, failing.Intercepts[0].Calls));
        Assert.Equal((100.0, 0L), (report.Webhooks[1].P50Ms, report.Webhooks[1].Errors));
    }

    [Fact]
    public void Timeouts_are_told_by_the_error_message_or_by_lasting_the_timeout_in_the_webhook_url()
    {
        var report = Analyse(
        [
            PodCreate(("guard", "g.example.com", 1000, new Outcome(0, "Post \"https://hook.svc:443/?timeout=10s\": context deadline exceeded"))),
            PodCreate(("guard", "g.example.com", 1000, new Outcome(0, "", "https://hook.svc:443/validate?timeout=1s"))),
            PodCreate(("guard", "g.example.com", 400, new Outcome(0, "connection refused", "https://hook.svc:443/validate?timeout=1s"))),
            PodCreate(("guard", "g.example.com", 4, new Outcome())),
        ]);

        var guard = Assert.Single(report.Webhooks);
        Assert.Equal((4L, 3L, 2L, 0.5), (guard.Calls, guard.Errors, guard.Timeouts, guard.TimeoutRate));
    }

    [Fact]
    public void Its_share_of_the_apiserver_p99_is_its_part_of_the_slowest_requests()
    {
        var fast = Enumerable.Range(0, 98).Select(_ => PodCreate(("other", "o.example.com", 8, new Outcome())));
        var slow = Enumerable.Range(0, 2).Select(_ => PodCreate(("other", "o.example.com", 48, new Outcome()), ("slow", "s.example.com", 150, new Outcome())));

        var report = Analyse(fast.Concat(slow));

        Assert.Equal((200.0, 2L), (report.ApiserverP99Ms, report.ApiserverP99Requests));
        var top = report.Webhooks[0];
        Assert.Equal(("slow", 0.75, 150.0), (top.Configuration, top.ShareOfApiserverP99, top.MeanAddedAtApiserverP99Ms));
        Assert.Equal(("other", 0.24, 48.0), (report.Webhooks[1].Configuration, report.Webhooks[1].ShareOfApiserverP99, report.Webhooks[1].MeanAddedAtApiserverP99Ms));
        var row = WebhookLatencyAnalysis.Table(report).Rows[0];
        // Two calls: no bound on the median, only a lower one on the p99, and 0% errors could be 84%.
        Assert.Equal(["slow", "s.example.com", "validating", "2", "150ms?", "≥150ms", "0.0% (0.0%–84%)", "0.0%", "pods CREATE", "75%", "150ms"], row);
    }
}
