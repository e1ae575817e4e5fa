using Google.Protobuf;
using Kubetrace.Bench.Workload;

namespace Kubetrace.Benchmarks;

/// <summary>The requests the benchmarks work on: the load generator's Kubernetes span mix, encoded.</summary>
internal static class KubernetesRequests
{
    public static byte[] Encoded(int spans, int variant = 0, int attributes = 15) =>
        new KubernetesSpanMix(attributes, seed: 1).Build(spans, variant, UnixNanos.Now()).ToByteArray();
}
