using Kubetrace.Otlp.Proto.Common;
using Kubetrace.Otlp.Proto.Trace;
using static Kubetrace.Bench.Workload.Attr;

namespace Kubetrace.Bench.Workload;

/// <summary>
/// Brings every span to the requested attribute count: spans whose instrumentation emits fewer get the context a
/// cluster adds (cluster, node, environment, code location ...), spans that emit more are trimmed. A fixed count
/// keeps the load comparable between runs whatever the mix of span kinds.
/// </summary>
internal static class AttributePadding
{
    private static readonly Func<ClusterVocabulary, KeyValue>[] Fillers =
    [
        _ => Str("k8s.cluster.name", "prod-eu-west-1"),
        v => Str("k8s.node.name", $"node-{v.Random.Next(1, 65):00}"),
        _ => Str("deployment.environment", "production"),
        _ => Str("cloud.region", "eu-west-1"),
        v => Str("cloud.availability_zone", $"eu-west-1{(char)('a' + v.Random.Next(3))}"),
        v => Int("goroutine.id", v.Random.Next(1, 200_000)),
        _ => Str("code.filepath", "k8s.io/apiserver/pkg/endpoints/handlers/rest.go"),
        v => Int("code.lineno", v.Random.Next(40, 1800)),
        _ => Str("net.transport", "ip_tcp"),
        v => Int("process.pid", v.Random.Next(300, 4000)),
        v => Bool("retry", v.Chance(0.05)),
        v => Str("k8s.apiserver.flow_schema", v.Chance(0.5) ? "system-nodes" : "workload-low"),
        _ => Str("k8s.apiserver.priority_level", "workload-low"),
        v => Double("queue.wait_ms", Math.Round(v.Random.NextDouble() * 3, 3)),
        v => Int("response.object_count", v.Random.Next(0, 500)),
    ];

    public static void Pad(Span span, int target, ClusterVocabulary vocabulary)
    {
        var attributes = span.Attributes;
        while (attributes.Count > target)
            attributes.RemoveAt(attributes.Count - 1);
        for (var i = 0; attributes.Count < target; i++)
            attributes.Add(i < Fillers.Length ? Fillers[i](vocabulary) : Int($"extra.attribute.{i}", i));
    }
}
