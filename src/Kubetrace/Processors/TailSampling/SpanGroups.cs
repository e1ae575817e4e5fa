using Kubetrace.Otlp.Proto.Resource;
using Kubetrace.Otlp.Proto.Trace;

namespace Kubetrace.Processors.TailSampling;

/// <summary>
/// The envelope of one received <c>ResourceSpans</c>: its fields other than the scope groups (the resource, the
/// schema URL), as bytes, shared by every buffered span that came in it. The resource object is decoded only if a
/// policy asks for it, once per group.
/// </summary>
internal sealed class ResourceGroup(byte[] envelope)
{
    private Resource? _resource;
    private bool _decoded;
    private string? _serviceName;

    /// <summary>An encoded <c>ResourceSpans</c> without scope groups.</summary>
    public byte[] Envelope { get; } = envelope;

    /// <summary>The decoded resource (null when the group has none). Read on the decision loop only.</summary>
    public Resource? Resource
    {
        get
        {
            if (_decoded) return _resource;
            _resource = ResourceSpans.Parser.ParseFrom(Envelope).Resource;
            _decoded = true;
            return _resource;
        }
    }

    /// <summary>The resource's service.name ("" when none), looked up once per group rather than once per span.</summary>
    public string ServiceName => _serviceName ??= Resource is { } resource ? TraceData.Find(resource.Attributes, "service.name")?.StringValue ?? "" : "";
}

/// <summary>The envelope of one received <c>ScopeSpans</c> (scope and schema URL, as bytes) and the resource it was under.</summary>
internal sealed class ScopeGroup(ResourceGroup resource, byte[] envelope)
{
    public ResourceGroup Resource { get; } = resource;

    /// <summary>An encoded <c>ScopeSpans</c> without spans.</summary>
    public byte[] Envelope { get; } = envelope;
}
