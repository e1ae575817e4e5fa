using Google.Protobuf;
using Kubetrace.Analysis.Red;
using Kubetrace.Analysis.Sampling;
using Kubetrace.Kubernetes.Analyses;
using Kubetrace.Otlp.Proto.Collector;
using Kubetrace.Pipeline;
using Kubetrace.Storage;
using Kubetrace.Storage.Scan;
using Kubetrace.Tests.Kubernetes.Analyses;
using Kubetrace.Tests.Storage;
using SpanKind = Kubetrace.Otlp.Proto.Trace.Span.Types.SpanKind;

namespace Kubetrace.Tests.Analysis.Sampling;

/// <summary>
/// Counts scaled back to the cluster's traffic: by the configured rate of the component whose sampler decided,
/// by an OpenTelemetry threshold in the tracestate, once per ParentBased trace, and by containerd's own rate.
/// </summary>
public sealed class ScalingTests
{
    private static RowSamples Rates(params string[] rates) => new(SamplingRates.Unknown.With(rates));

    private static ApiserverLatencyReport Apiserver(RowSamples samples, params TraceBuilder[] traces)
    {
        var analysis = new ApiserverLatencyAnalysis(TimeRange.All);
        foreach (var trace in traces) analysis.Add(trace.Scanned(analysis.ScanRequest));
        return analysis.Report(samples);
    }

    private static RedResult Red(RowSamples samples, params TraceBuilder[] traces)
    {
        var state = new RedState(TimeRange.All);
        foreach (var trace in traces) state.Add(trace.Scanned(state.ScanRequest));
        return state.Result(TimeRange.All, null, samples);
    }

    [Fact]
    public void Requests_sampled_at_100_per_million_stand_for_10000_each_and_the_summary_says_so()
    {
        var report = Apiserver(Rates("apiserver=100", "etcd=1000000"),
            ApiserverFixtures.PodCreate127(), ApiserverFixtures.PodCreate127(), ApiserverFixtures.PodCreate127());

        var sample = Assert.Single(report.Groups).Sample;
        Assert.Equal((3L, 3L, 30_000.0), (sample.Traces, sample.Sampled, sample.Estimated!.Value));
        Assert.Equal(["apiserver 1 in 10,000 (samplingRatePerMillion 100)"], sample.ScaledBy);
        Assert.Equal("Rests on 3 sampled traces (3 requests); apiserver 1 in 10,000 (samplingRatePerMillion 100) ⇒ ≈ 30,000 requests in the cluster. " +
            "≈ marks figures scaled by those rates.", report.Sampling.Notes[0]);
        Assert.Equal("3 (≈30,000)", ApiserverLatencyAnalysis.Table(report).Rows[0][2]);
    }

    [Fact]
    public void Without_a_rate_counts_stay_sampled_counts_and_the_summary_asks_for_the_rate()
    {
        var report = Apiserver(Rates(), ApiserverFixtures.PodCreate127());

        Assert.Null(report.Groups[0].Sample.Estimated);
        Assert.StartsWith("Rests on 1 sampled trace (1 request); apiserver: rate unknown: counts are of what was kept", report.Sampling.Notes[0]);
        Assert.Equal("1", ApiserverLatencyAnalysis.Table(report).Rows[0][2]);
    }

    [Fact]
    public void A_tracestate_threshold_scales_without_configuration_and_wins_over_it()
    {
        var traces = new[] { ApiserverFixtures.PodCreate127().WithTraceState("ot=th:c"), ApiserverFixtures.PodCreate127().WithTraceState("ot=th:c") };

        Assert.Equal(8.0, Apiserver(Rates(), traces).Groups[0].Sample.Estimated); // 1 in 4
        var configured = Apiserver(Rates("apiserver=100"), traces).Groups[0].Sample;
        Assert.Equal((8.0, "apiserver 1 in 4 (tracestate ot=th)"), (configured.Estimated!.Value, configured.ScaledBy[0]));
    }

    /// <summary>An apiserver request with two etcd calls, each with etcd's server span under the apiserver's client span.</summary>
    private static TraceBuilder RequestWithTwoEtcdCalls()
    {
        var t = new TraceBuilder();
        var root = t.Add("apiserver", "KubernetesAPI", SpanKind.Server, null, 0, 100, ("http.method", "GET"), ("http.target", "/api/v1/pods"));
        foreach (var at in new[] { 10, 50 })
        {
            var client = t.Add("apiserver", "etcdserverpb.KV/Range", SpanKind.Client, root, at, at + 30, ("rpc.method", "Range"));
            t.Add("etcd", "etcdserverpb.KV/Range", SpanKind.Server, client, at + 2, at + 28, ("rpc.method", "Range"));
        }
        return t;
    }

    [Fact]
    public void ParentBased_etcd_spans_under_a_sampled_apiserver_request_weigh_the_root_rate_and_count_their_trace_once()
    {
        // etcd samples everything of its own, but its spans under the apiserver were kept because the apiserver kept the request.
        var ownEtcdCall = new TraceBuilder();
        ownEtcdCall.Add("etcd", "etcdserverpb.KV/Range", SpanKind.Server, null, 0, 5);

        var red = Red(Rates("apiserver=100", "etcd=1000000"), RequestWithTwoEtcdCalls(), ownEtcdCall);

        var etcd = red.Operations.Single(r => r.Service == "etcd").Sample;
        Assert.Equal((2L, 3L), (etcd.Traces, etcd.Sampled));
        Assert.Equal(2 * 10_000 + 1, etcd.Estimated);
        Assert.Equal(["apiserver 1 in 10,000 (samplingRatePerMillion 100)", "etcd every one (samplingRatePerMillion 1000000)"], etcd.ScaledBy);
        var client = red.Operations.Single(r => r.Service == "apiserver" && r.Kind == "client").Sample;
        Assert.Equal((1L, 2L, 20_000.0), (client.Traces, client.Sampled, client.Estimated!.Value));
    }

    [Fact]
    public void Containerd_spans_weigh_containerds_own_rate_it_ignores_the_parents_decision()
    {
        var t = new TraceBuilder();
        var sync = t.Add("kubelet", "syncPod", SpanKind.Internal, null, 0, 100);
        var pull = t.Add("kubelet", "runtime.v1.ImageService/PullImage", SpanKind.Client, sync, 10, 90);
        t.Add("containerd", "runtime.v1.ImageService/PullImage", SpanKind.Server, pull, 11, 89);

        var red = Red(Rates("kubelet=100", "containerd=1000"), t);

        Assert.Equal(1_000.0, red.Operations.Single(r => r.Service == "containerd").Sample.Estimated);
        Assert.Equal(10_000.0, red.Operations.Single(r => r.Kind == "client").Sample.Estimated);
    }

    [Fact]
    public async Task The_store_keeps_the_tracestate_for_scans_of_the_head_and_of_blocks()
    {
        var trace = ApiserverFixtures.PodCreate127().WithTraceState("vendor=1,ot=th:c");
        var request = new ExportTraceServiceRequest { ResourceSpans = { trace.ResourceSpans() } };
        await using var store = new TempStore();
        await store.Store.AppendAsync(TraceBatch.FromEncoded(request.ToByteArray(), 8), CancellationToken.None);

        Assert.Equal(["vendor=1,ot=th:c"], await TraceStatesAsync(store.Store)); // the head
        await store.Store.FlushHeadAsync();
        Assert.Equal(["vendor=1,ot=th:c"], await TraceStatesAsync(store.Store)); // a block
    }

    private static async Task<List<string?>> TraceStatesAsync(ITraceStore store)
    {
        var states = new List<string?>();
        await store.ScanAsync(new SpanScanRequest(TimeRange.All, []), t => states.AddRange(t.Spans.Select(s => s.TraceState)), CancellationToken.None);
        return states.Distinct().ToList();
    }
}
