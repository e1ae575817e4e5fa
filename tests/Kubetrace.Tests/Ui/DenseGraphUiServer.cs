using Kubetrace.Otlp.Proto.Trace;
using SpanKind = Kubetrace.Otlp.Proto.Trace.Span.Types.SpanKind;

namespace Kubetrace.Tests.Ui;

/// <summary>
/// A server holding a service graph with many edges close together, and the browser: a gateway fanning out, services
/// fanning in to shared stores, edges that skip a column, a call and a link between the same two services, and
/// calls recorded only as links. Each edge's calls differ in count, errors and latency, so its label does too.
/// </summary>
public sealed class DenseGraphUiServer : UiServer
{
    /// <summary>Parent/child calls: caller, callee, how many, every how many fails (0: none), the slowest's ms.</summary>
    private static readonly (string Caller, string Callee, int Calls, int FailEvery, double Ms)[] Calls =
    [
        ("gateway", "frontend", 40, 0, 120), ("gateway", "api", 35, 7, 340), ("gateway", "admin", 6, 0, 80), ("gateway", "search", 22, 0, 45),
        ("frontend", "cart", 18, 0, 30), ("frontend", "catalog", 30, 10, 60), ("frontend", "users", 12, 0, 15), ("frontend", "search", 9, 3, 900),
        ("frontend", "recommendations", 14, 0, 210), ("api", "cart", 11, 0, 25), ("api", "checkout", 16, 4, 1_500), ("api", "users", 20, 0, 12),
        ("api", "orders", 13, 0, 44), ("admin", "users", 4, 0, 9), ("admin", "orders", 5, 2, 70), ("checkout", "payments", 15, 5, 2_300),
        ("checkout", "orders", 15, 0, 40), ("checkout", "inventory", 15, 0, 33), ("cart", "postgres", 25, 0, 6), ("catalog", "postgres", 30, 0, 11),
        ("users", "postgres", 28, 0, 4), ("orders", "postgres", 27, 9, 19), ("inventory", "postgres", 15, 0, 8), ("cart", "redis", 18, 0, 2),
        ("catalog", "redis", 33, 0, 1), ("search", "redis", 31, 0, 3), ("recommendations", "redis", 14, 0, 2), ("orders", "kafka", 13, 0, 5),
        ("operator", "apiserver", 8, 0, 25),
    ];

    /// <summary>Calls recorded only as a span link (the callee's own trace links the caller's span): caller, callee, how many.</summary>
    private static readonly (string Caller, string Callee, int Calls)[] Links =
        [("kafka", "worker", 12), ("operator", "apiserver", 19), ("kubelet", "apiserver", 44)];

    /// <summary>How many edges the graph draws.</summary>
    public static int Edges => Calls.Length + Links.Length;

    protected override async Task FillAsync()
    {
        var origin = Data.Made.AddMinutes(-3);
        var traces = new List<TraceBuilder>();
        foreach (var (caller, callee, calls, failEvery, ms) in Calls)
            for (var i = 0; i < calls; i++)
            {
                var trace = new TraceBuilder(origin.AddMilliseconds(traces.Count));
                var root = trace.Add(caller, "GET /", SpanKind.Server, null, 0, ms + 2);
                var call = trace.Add(callee, "GET /", SpanKind.Server, root, 1, 1 + ms * (i + 1) / calls);
                if (failEvery > 0 && i % failEvery == 0) TraceBuilder.Fail(call);
                traces.Add(trace);
            }
        foreach (var (caller, callee, calls) in Links)
            for (var i = 0; i < calls; i++)
            {
                var callerTrace = new TraceBuilder(origin.AddMilliseconds(traces.Count));
                var client = callerTrace.Add(caller, "POST", SpanKind.Client, null, 0, 20);
                var calleeTrace = new TraceBuilder(callerTrace.Origin);
                var served = calleeTrace.Add(callee, "POST", SpanKind.Server, null, 1, 2 + i);
                served.Links.Add(new Span.Types.Link { TraceId = client.TraceId, SpanId = client.SpanId });
                traces.Add(callerTrace);
                traces.Add(calleeTrace);
            }
        await Server.PostOtlpJsonAsync(TraceBuilder.OtlpJson(traces), "the dense graph's traces");
    }
}
