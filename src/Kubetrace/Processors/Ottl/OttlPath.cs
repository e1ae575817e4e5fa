namespace Kubetrace.Processors.Ottl;

internal enum PathTarget
{
    Name,
    Kind,
    StatusCode,
    Attributes,
    ResourceAttributes,
    Duration,
}

/// <summary>A supported path: what it reads and, for attribute maps, the key (null: the whole map).</summary>
internal sealed record OttlPath(PathTarget Target, string? Key)
{
    public bool IsMap => Target is PathTarget.Attributes or PathTarget.ResourceAttributes && Key is null;

    /// <summary>
    /// Resolves dotted segments in a context: span (<c>name</c>, <c>kind</c>, <c>status.code</c>, <c>attributes</c>,
    /// <c>resource.attributes</c>, <c>duration</c>), spanevent (<c>name</c>, <c>attributes</c>) or resource
    /// (<c>attributes</c>). A leading context name (<c>span.</c>, <c>spanevent.</c>) is allowed.
    /// </summary>
    public static OttlPath Resolve(OttlContext context, IReadOnlyList<string> segments, string? key, string statement)
    {
        var parts = segments.ToList();
        var contextName = context.ToString().ToLowerInvariant();
        if (parts.Count > 1 && parts[0] == contextName && context != OttlContext.Resource) parts.RemoveAt(0);
        var text = string.Join('.', parts);
        var target = (context, text) switch
        {
            (OttlContext.Span, "name") or (OttlContext.SpanEvent, "name") => PathTarget.Name,
            (OttlContext.Span, "kind") => PathTarget.Kind,
            (OttlContext.Span, "status.code") => PathTarget.StatusCode,
            (OttlContext.Span, "duration") => PathTarget.Duration,
            (OttlContext.Span, "attributes") or (OttlContext.SpanEvent, "attributes") => PathTarget.Attributes,
            (_, "resource.attributes") or (OttlContext.Resource, "attributes") => PathTarget.ResourceAttributes,
            _ => (PathTarget?)null,
        } ?? throw new OttlException($"unsupported path \"{string.Join('.', segments)}\" in {contextName} context in statement \"{statement}\" "
                                     + "(supported: name, kind, status.code, duration, attributes[...], resource.attributes[...])");
        if (key is not null && target is not (PathTarget.Attributes or PathTarget.ResourceAttributes))
            throw new OttlException($"path \"{text}\" takes no [\"key\"] in statement \"{statement}\"");
        return new OttlPath(target, key);
    }
}

public enum OttlContext
{
    Span,
    SpanEvent,
    Resource,
}
