using Kubetrace.Otlp.Proto.Common;
using Kubetrace.Otlp.Proto.Trace;

namespace Kubetrace.Kubernetes.Simulation;

/// <summary>Span events (<c>span.AddEvent</c>) on a recording span; nothing on an unsampled one, as in the Go SDK.</summary>
internal static class SpanEvents
{
    public static void AddEvent(this in OpenSpan span, long time, string name)
    {
        if (span.Proto is { } proto) proto.Events.Add(new Span.Types.Event { TimeUnixNano = (ulong)time, Name = name });
    }

    public static void AddEvent(this in OpenSpan span, long time, string name, KeyValue attribute)
    {
        if (span.Proto is not { } proto) return;
        var e = new Span.Types.Event { TimeUnixNano = (ulong)time, Name = name };
        e.Attributes.Add(attribute);
        proto.Events.Add(e);
    }

    public static void AddEvent(this in OpenSpan span, long time, string name, params ReadOnlySpan<KeyValue> attributes)
    {
        if (span.Proto is not { } proto) return;
        var e = new Span.Types.Event { TimeUnixNano = (ulong)time, Name = name };
        foreach (var a in attributes) e.Attributes.Add(a);
        proto.Events.Add(e);
    }
}
