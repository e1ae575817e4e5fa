using System.Buffers.Binary;
using Google.Protobuf;
using Kubetrace.Kubernetes.Simulation;
using SpanKind = Kubetrace.Otlp.Proto.Trace.Span.Types.SpanKind;

namespace Kubetrace.Tests.Kubernetes.Simulation;

/// <summary>
/// One seed gives one output, byte for byte; sampling follows the components' own samplers:
/// ParentBased(TraceIDRatioBased) for the apiserver, kubelet and etcd, plain ratio for containerd 1.6.
/// </summary>
public sealed class DeterminismAndSamplingTests
{
    private static readonly SimulationOptions Mixed = new()
    {
        RequestsPerSecond = 80,
        Duration = TimeSpan.FromSeconds(15),
        Scenarios = SimulationScenario.SlowWebhook | SimulationScenario.EtcdSlow | SimulationScenario.ImagePullSlow,
        Start = SimulatedSpans.Start,
        KmsEncryption = true,
        Etcd = EtcdVersion.V3_7,
    };

    [Fact]
    public void The_same_seed_gives_the_same_bytes_and_another_seed_other_bytes()
    {
        var first = Bytes(Mixed);
        var again = Bytes(Mixed);
        var otherSeed = Bytes(Mixed with { Seed = 2 });

        Assert.True(first.Length > 100_000, $"only {first.Length} bytes");
        Assert.Equal(first, again);
        Assert.NotEqual(first, otherSeed);
    }

    [Fact]
    public void A_fault_seed_keeps_the_planted_problems_while_another_seed_sends_fresh_traffic()
    {
        // What the demo does: its live traffic after the backfill must plant what the summary reported.
        var backfill = SimulatedSpans.Run(Mixed);
        // A seed that, on its own, plants another webhook: so the assertions below fail without the fault seed.
        var otherSeed = Enumerable.Range(2, 20).Select(seed => (ulong)seed)
            .First(seed => SimulatedSpans.Run(Mixed with { Seed = seed, Duration = TimeSpan.FromSeconds(1) }).Report.SlowWebhook!.Webhook
                           != backfill.Report.SlowWebhook!.Webhook);
        var live = SimulatedSpans.Run(Mixed with { Seed = otherSeed, FaultSeed = Mixed.Seed });

        Assert.Equal(backfill.Report.SlowWebhook!.Webhook, live.Report.SlowWebhook!.Webhook);
        Assert.Equal(backfill.Report.SlowEtcd!.Resource, live.Report.SlowEtcd!.Resource);
        Assert.Equal(backfill.Report.SlowImage!.Image, live.Report.SlowImage!.Image);
        Assert.NotEqual(backfill.Spans[0].TraceId, live.Spans[0].TraceId);
    }

    [Fact]
    public void Rate_zero_records_nothing_though_the_traffic_still_happens()
    {
        var simulated = SimulatedSpans.Run(Mixed with { SamplingRatePerMillion = 0 });

        Assert.Empty(simulated.Batches);
        Assert.Equal(0, simulated.Report.Spans);
        Assert.Equal(0, simulated.Report.SampledApiserverRequests);
        Assert.InRange(simulated.Report.ApiserverRequests, 1150, 1250); // 80/s for 15 s
    }

    [Fact]
    public void A_ratio_samples_that_share_of_traces_by_the_trace_id_as_the_Go_SDK_decides()
    {
        const int rate = 200_000;
        var simulated = SimulatedSpans.Run(Mixed with { SamplingRatePerMillion = rate, Duration = TimeSpan.FromSeconds(40) });
        var report = simulated.Report;

        var share = report.SampledApiserverRequests / (double)report.ApiserverRequests;
        Assert.InRange(share, 0.17, 0.23);
        // Every recorded root passed the ratio test on its trace ID's low 8 bytes.
        var bound = (ulong)(rate / 1e6 * (1UL << 63));
        Assert.All(simulated.Spans.Where(s => s.Span.ParentSpanId.IsEmpty),
            root => Assert.True(BinaryPrimitives.ReadUInt64BigEndian(root.Span.TraceId.Span[8..]) >> 1 < bound));
    }

    [Fact]
    public void Etcd_records_a_span_only_under_a_sampled_apiserver_etcd_call()
    {
        var simulated = SimulatedSpans.Run(Mixed with { SamplingRatePerMillion = 300_000 });
        var etcd = simulated.Of("etcd").Where(s => s.Kind == SpanKind.Server).ToList(); // etcd 3.7's apply spans are under these
        var apiserverCalls = simulated.Of("apiserver").Where(s => s.Kind == SpanKind.Client && s.Name.StartsWith("etcdserverpb.", StringComparison.Ordinal)).ToList();

        Assert.NotEmpty(etcd);
        Assert.Equal(apiserverCalls.Count, etcd.Count);
        Assert.All(etcd, span =>
        {
            var parent = simulated.Parent(span);
            Assert.NotNull(parent);
            Assert.Equal("apiserver", parent.Service);
            Assert.Equal(span.Name, parent.Name);
            Assert.Equal(0x301u, span.Span.Flags); // sampled, remote parent
        });
    }

    [Fact]
    public void Containerd_16_samples_by_ratio_alone_so_it_records_calls_the_kubelet_did_not()
    {
        var simulated = SimulatedSpans.Run(Mixed with
        {
            KubernetesVersion = new KubernetesVersion(1, 27),
            SamplingRatePerMillion = 0,
            ContainerdSamplingRatePerMillion = 1_000_000,
        });

        var containerd = simulated.Of("containerd").ToList();
        Assert.NotEmpty(containerd);
        Assert.Equal(simulated.Spans.Count, containerd.Count);
        Assert.Contains(containerd, s => s.Name == "runtime.v1.ImageService/PullImage");
        // Their parents are the kubelet's unsampled CRI calls: referenced, never recorded.
        Assert.All(containerd.Where(s => s.Name.StartsWith("runtime.v1.", StringComparison.Ordinal)), s =>
        {
            Assert.False(s.Span.ParentSpanId.IsEmpty);
            Assert.Null(simulated.Parent(s));
        });
    }

    [Fact]
    public void Containerd_1_7_0_to_1_7_15_follows_the_kubelets_decision()
    {
        var simulated = SimulatedSpans.Run(Mixed with
        {
            Containerd = new ContainerdVersion(1, 7, 15), SamplingRatePerMillion = 0, ContainerdSamplingRatePerMillion = 1_000_000,
        });

        Assert.Empty(simulated.Spans);
    }

    [Fact]
    public void Containerd_1_7_19_and_later_turn_sampling_ratio_into_a_plain_traceidratio_sampler_that_ignores_the_kubelet()
    {
        // tracing/plugin/otlp.go at v1.7.20: sampling_ratio becomes OTEL_TRACES_SAMPLER=traceidratio, not parentbased_traceidratio.
        var simulated = SimulatedSpans.Run(Mixed with
        {
            Containerd = new ContainerdVersion(1, 7, 20), SamplingRatePerMillion = 0, ContainerdSamplingRatePerMillion = 1_000_000,
        });

        Assert.NotEmpty(simulated.Spans);
        Assert.All(simulated.Spans, s => Assert.Equal("containerd", s.Service));
        Assert.All(simulated.Spans.Where(s => s.Kind == SpanKind.Server), s => Assert.Null(simulated.Parent(s)));
    }

    [Fact]
    public void Containerd_2_ignores_sampling_ratio_and_follows_the_kubelet()
    {
        var simulated = SimulatedSpans.Run(Mixed with
        {
            Containerd = new ContainerdVersion(2, 1), SamplingRatePerMillion = 0, ContainerdSamplingRatePerMillion = 1_000_000,
        });

        Assert.Empty(simulated.Spans);
    }

    private static byte[] Bytes(SimulationOptions options)
    {
        using var stream = new MemoryStream();
        foreach (var batch in new ClusterSimulator(options).Batches()) batch.Request.WriteDelimitedTo(stream);
        return stream.ToArray();
    }
}
