using Google.Protobuf;
using Kubetrace.Otlp.Proto.Collector;
using Kubetrace.Otlp.Proto.Common;
using Kubetrace.Otlp.Proto.Resource;
using Kubetrace.Otlp.Proto.Trace;
using Kubetrace.Tests.Storage;

namespace Kubetrace.Tests.Kubernetes.Analyses;

/// <summary>
/// Hand-built Kubernetes traces as components send them over OTLP: one resource per component and host
/// (<c>service.name</c>, <c>host.name</c>), spans with the names and attributes of the catalog
/// (docs/catalog.md), times in milliseconds after <see cref="Spans.BaseTime"/>.
/// </summary>
internal sealed class KubeTraces
{
    private readonly Dictionary<(string Service, string? Host), ResourceSpans> _resources = [];

    public static ByteString TraceId(int trace) => Spans.TraceId(trace);

    public static string TraceHex(int trace) => $"{trace:x32}";

    public KubeTraces Span(string service, string? host, int trace, int id, int parent, string name, long startMs, long endMs,
        OtlpSpan.Types.SpanKind kind = OtlpSpan.Types.SpanKind.Internal, bool error = false,
        (int Trace, int Span)? link = null, params (string Key, string Value)[] attributes)
    {
        var span = Spans.Span(trace, id, parent, name, startMs, endMs - startMs, attributes);
        span.Kind = kind;
        if (error) span.Status = new Status { Code = Status.Types.StatusCode.Error, Message = "failed" };
        if (link is { } l) span.Links.Add(new OtlpSpan.Types.Link { TraceId = Spans.TraceId(l.Trace), SpanId = Spans.SpanId(l.Span) });
        Resource(service, host).ScopeSpans[0].Spans.Add(span);
        return this;
    }

    public ExportTraceServiceRequest Request() => new() { ResourceSpans = { _resources.Values } };

    private ResourceSpans Resource(string service, string? host)
    {
        if (_resources.TryGetValue((service, host), out var resource)) return resource;
        var attributes = new Resource { Attributes = { Spans.Attr("service.name", service) } };
        if (host is not null) attributes.Attributes.Add(Spans.Attr("host.name", host));
        resource = new ResourceSpans
        {
            Resource = attributes,
            ScopeSpans = { new ScopeSpans { Scope = new InstrumentationScope { Name = "k8s.io/test" } } },
        };
        _resources[(service, host)] = resource;
        return resource;
    }
}
