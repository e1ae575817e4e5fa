using System.Globalization;

namespace Kubetrace.Tests.Cli;

/// <summary>
/// Two traces with known shapes, as OTLP JSON, on 2026-01-02 (searched with a fixed --start/--end).
/// Pods: apiserver GET 0–100 ms, with authorize 0–10 ms and an erroring etcd range 20–80 ms, which has a boltdb
/// read 30–70 ms. Sync: kubelet SyncPod 0–1 s with containerd CreateContainer 200–700 ms, an hour later.
/// </summary>
internal static class KnownTraces
{
    public const string PodsId = "0af7651916cd43dd8448eb211c80319c";
    public const string SyncId = "4bf92f3577b34da6a3ce929d0e0e4736";
    public const string Day = "2026-01-02";
    public static readonly DateTimeOffset PodsStart = new(2026, 1, 2, 10, 0, 0, TimeSpan.Zero);
    public static readonly DateTimeOffset SyncStart = PodsStart.AddHours(1);

    private const int Internal = 1, Server = 2, Client = 3;
    private const int Ok = 0, Error = 2;

    public static string OtlpJson() => $$"""
        {"resourceSpans":[
          {{Resource("apiserver",
              Span(PodsId, "a1", "", "GET /api/v1/namespaces/default/pods", Server, PodsStart, 0, 100, Ok),
              Span(PodsId, "a2", "a1", "authorize", Internal, PodsStart, 0, 10, Ok))}},
          {{Resource("etcd",
              Span(PodsId, "e1", "a1", "etcd range /registry/pods", Server, PodsStart, 20, 80, Error),
              Span(PodsId, "e2", "e1", "boltdb read", Internal, PodsStart, 30, 70, Ok))}},
          {{Resource("kubelet",
              Span(SyncId, "b1", "", "SyncPod", Internal, SyncStart, 0, 1000, Ok))}},
          {{Resource("containerd",
              Span(SyncId, "c1", "b1", "CreateContainer", Client, SyncStart, 200, 700, Ok))}}
        ]}
        """;

    private static string Resource(string service, params string[] spans) =>
        $$$"""{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"{{{service}}}"}}]},"scopeSpans":[{"scope":{"name":"test"},"spans":[{{{string.Join(",", spans)}}}]}]}""";

    /// <summary>A span from <paramref name="fromMs"/> to <paramref name="toMs"/> after <paramref name="origin"/>; IDs are short hex padded to 16 digits.</summary>
    private static string Span(string traceId, string id, string parent, string name, int kind, DateTimeOffset origin, int fromMs, int toMs, int status)
    {
        var start = (Nanos(origin) + fromMs * 1_000_000L).ToString(CultureInfo.InvariantCulture);
        var end = (Nanos(origin) + toMs * 1_000_000L).ToString(CultureInfo.InvariantCulture);
        var parentField = parent.Length == 0 ? "" : $"\"parentSpanId\":\"{parent.PadLeft(16, '0')}\",";
        return $$$"""
            {"traceId":"{{{traceId}}}","spanId":"{{{id.PadLeft(16, '0')}}}",{{{parentField}}}"name":"{{{name}}}","kind":{{{kind}}},
             "startTimeUnixNano":"{{{start}}}","endTimeUnixNano":"{{{end}}}","status":{"code":{{{status}}}}}
            """;
    }

    private static long Nanos(DateTimeOffset time) => time.ToUnixTimeMilliseconds() * 1_000_000L;
}
