using Google.Protobuf;
using Kubetrace.Components;
using Kubetrace.Otlp.Proto.Collector;
using Kubetrace.Otlp.Proto.Resource;
using Kubetrace.Otlp.Proto.Trace;
using Kubetrace.Pipeline;

namespace Kubetrace.Processors.Redaction;

/// <summary>
/// The <c>redaction</c> processor: removes attributes whose keys are not allowed and masks secrets in the rest —
/// on resources, instrumentation scopes, spans and span events, as the Collector does — before anything is stored or exported.
/// </summary>
/// <remarks>
/// Copy on write: a span (or resource) is copied only when one of its values changes; a clean batch is handed on
/// as the same object, and a clean value costs one scan per rule and no allocation. With <c>preset: kubernetes</c>
/// span names, status messages and event names are scanned for secrets too (values only; they are never removed).
/// A batch that arrived encoded is first scanned in its bytes (<see cref="EncodedRedactionScan"/>): only the
/// resource groups with something to change are decoded and redacted, the others are handed on as their bytes, and
/// a request with nothing to change is handed on as it came, never decoded.
/// </remarks>
public sealed class RedactionProcessor : PerBatchProcessor
{
    private readonly RedactionRules _rules;
    private readonly AttributeRedactor _attributes;
    private readonly SpanRewrite _rewriteSpan;
    private readonly ResourceRewrite _rewriteResource;
    private readonly ScopeRewrite _rewriteScope;
    private readonly EncodedRedactionScan? _scan;

    public RedactionProcessor(ComponentSettings settings, RedactionConfig config, ITraceConsumer next) : base(settings, next)
    {
        _rules = new RedactionRules(config);
        _attributes = new AttributeRedactor(_rules);
        _rewriteSpan = RedactSpan;
        _rewriteResource = RedactResource;
        _rewriteScope = RedactScope;
        // A rule that matches the empty text would change absent names and messages, which the bytes do not show.
        _scan = _rules.CouldRedact("") ? null : new EncodedRedactionScan(_rules);
    }

    protected override TraceBatch Process(TraceBatch batch)
    {
        if (_scan is not null && batch.HasEncoded && _scan.DirtyResources(batch.Encoded.Span) is { } dirty)
            return dirty.Count == 0 ? batch : RedactEncoded(batch, dirty);
        var output = SpanRewriter.Rewrite(batch.Request, _rewriteSpan, _rewriteResource, _rewriteScope);
        return ReferenceEquals(output, batch.Request) ? batch : batch.WithRequest(output);
    }

    /// <summary>The request as segments in its order: runs of clean resource groups as their bytes, each dirty group
    /// decoded, redacted and encoded again (redaction never drops a span, so the count stays).</summary>
    private TraceBatch RedactEncoded(TraceBatch batch, List<int> dirty)
    {
        var encoded = batch.Encoded;
        var segments = new List<ReadOnlyMemory<byte>>(2 * dirty.Count + 1);
        var reader = new Otlp.Wire.ProtoWireReader(encoded.Span);
        var cleanStart = 0;
        var next = 0;
        for (var index = 0; !reader.AtEnd; index++)
        {
            reader.TryReadField(out var field);
            if (next == dirty.Count || dirty[next] != index) continue;
            next++;
            if (field.Start > cleanStart) segments.Add(encoded[cleanStart..field.Start]);
            cleanStart = field.End;
            var group = new ExportTraceServiceRequest { ResourceSpans = { ResourceSpans.Parser.ParseFrom(encoded.Span[field.ValueStart..field.End]) } };
            segments.Add(SpanRewriter.Rewrite(group, _rewriteSpan, _rewriteResource, _rewriteScope).ToByteArray());
        }
        if (encoded.Length > cleanStart) segments.Add(encoded[cleanStart..]);
        return batch.WithEncodedSegments([.. segments], batch.SpanCount);
    }

    private Resource RedactResource(Resource resource)
    {
        if (_attributes.Redact(resource.Attributes) is not { } attributes) return resource;
        var copy = new Resource { DroppedAttributesCount = resource.DroppedAttributesCount };
        copy.Attributes.AddRange(attributes);
        return copy;
    }

    /// <summary>Scope (instrumentation library) attributes, redacted as the Collector's processResourceSpan does.</summary>
    private Otlp.Proto.Common.InstrumentationScope RedactScope(Otlp.Proto.Common.InstrumentationScope scope)
    {
        if (_attributes.Redact(scope.Attributes) is not { } attributes) return scope;
        var copy = new Otlp.Proto.Common.InstrumentationScope
        {
            Name = scope.Name, Version = scope.Version, DroppedAttributesCount = scope.DroppedAttributesCount,
        };
        copy.Attributes.AddRange(attributes);
        return copy;
    }

    private Span RedactSpan(ResourceSpans resource, ScopeSpans scope, Span span)
    {
        Span? copy = null;
        if (_attributes.Redact(span.Attributes) is { } attributes)
        {
            copy = SpanRewriter.ShallowCopy(span);
            copy.Attributes.Clear();
            copy.Attributes.AddRange(attributes);
        }
        for (var i = 0; i < span.Events.Count; i++)
        {
            var spanEvent = span.Events[i];
            var eventAttributes = _attributes.Redact(spanEvent.Attributes);
            var eventName = _rules.ScanSpanText ? _rules.RedactText(spanEvent.Name) : null;
            if (eventAttributes is null && eventName is null) continue;
            copy ??= SpanRewriter.ShallowCopy(span);
            var newEvent = new Span.Types.Event
            {
                TimeUnixNano = spanEvent.TimeUnixNano,
                Name = eventName ?? spanEvent.Name,
                DroppedAttributesCount = spanEvent.DroppedAttributesCount,
            };
            newEvent.Attributes.AddRange(eventAttributes ?? (IEnumerable<Otlp.Proto.Common.KeyValue>)spanEvent.Attributes);
            copy.Events[i] = newEvent;
        }
        if (_rules.ScanSpanText)
        {
            if (_rules.RedactText(span.Name) is { } name) (copy ??= SpanRewriter.ShallowCopy(span)).Name = name;
            if (span.Status is { Message.Length: > 0 } status && _rules.RedactText(status.Message) is { } message)
                (copy ??= SpanRewriter.ShallowCopy(span)).Status = new Status { Code = status.Code, Message = message };
        }
        return copy ?? span;
    }
}
