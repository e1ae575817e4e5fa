using Kubetrace.Otlp.Proto.Common;
using Kubetrace.Otlp.Proto.Trace;

namespace Kubetrace.Kubernetes.Simulation;

/// <summary>Span events (<c>span.AddEvent</c> in the Go code), recorded only on sampled spans.</summary>
internal static class SpanEvents
{
    public static void Event(this in OpenSpan span, long time, string name)
    {
        span.Proto?.Events.Add(new Span.Types.Event { TimeUnixNano = (ulong)time, Name = name });
    }

    public static void Event(this in OpenSpan span, long time, string name, KeyValue attribute)
    {
        span.Proto?.Events.Add(new Span.Types.Event { TimeUnixNano = (ulong)time, Name = name, Attributes = { attribute } });
    }

    public static void Event(this in OpenSpan span, long time, string name, params KeyValue[] attributes)
    {
        span.Proto?.Events.Add(new Span.Types.Event { TimeUnixNano = (ulong)time, Name = name, Attributes = { attributes } });
    }
}
