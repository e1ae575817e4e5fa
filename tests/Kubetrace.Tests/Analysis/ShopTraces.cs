using System.Buffers;
using Kubetrace.Otlp.Json;
using Kubetrace.Otlp.Proto.Collector;
using Kubetrace.Otlp.Proto.Trace;
using static Kubetrace.Tests.TestSupport.Spans;

namespace Kubetrace.Tests.Analysis;

/// <summary>
/// Three hand-built traces whose graph and RED figures are known exactly:
/// frontend "GET /checkout" (100 ms, 200 ms) → cart "AddItem" (40 ms, 60 ms) → redis "SET" (10 ms, error) in the
/// first, and a lone frontend "GET /home" (50 ms).
/// </summary>
internal static class ShopTraces
{
    public static ExportTraceServiceRequest Request()
    {
        var set = Span(1, 3, 2, "SET", 20, 10);
        set.Status = new Status { Code = Status.Types.StatusCode.Error, Message = "OOM command not allowed" };
        return Spans.Request(
            Resource("frontend", Span(1, 1, 0, "GET /checkout", 0, 100), Span(2, 1, 0, "GET /checkout", 1000, 200), Span(3, 1, 0, "GET /home", 2000, 50)),
            Resource("cart", Server(Span(1, 2, 1, "AddItem", 10, 40)), Server(Span(2, 2, 1, "AddItem", 1010, 60))),
            Resource("redis", set));
    }

    public static string Json()
    {
        var buffer = new ArrayBufferWriter<byte>();
        OtlpJson.WriteTo(buffer, Request());
        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static Kubetrace.Otlp.Proto.Trace.Span Server(Kubetrace.Otlp.Proto.Trace.Span span)
    {
        span.Kind = Kubetrace.Otlp.Proto.Trace.Span.Types.SpanKind.Server;
        return span;
    }
}
