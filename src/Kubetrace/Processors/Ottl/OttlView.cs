using Google.Protobuf.Collections;
using Kubetrace.Otlp.Proto.Common;
using Kubetrace.Otlp.Proto.Trace;
using Kubetrace.Processors.AttributeActions;

namespace Kubetrace.Processors.Ottl;

/// <summary>
/// What a statement reads and writes: a span (with its resource, read-only), a span event, or a resource.
/// Copy on write: the first change copies the item (sharing unchanged values), so the input batch is never edited.
/// </summary>
internal sealed class OttlView
{
    private readonly OttlContext _context;
    private Span? _span;
    private Span.Types.Event? _event;
    private Otlp.Proto.Resource.Resource? _resource;
    private bool _copied;

    private OttlView(OttlContext context) => _context = context;

    public static OttlView ForSpan(Span span, Otlp.Proto.Resource.Resource? resource) => new(OttlContext.Span) { _span = span, _resource = resource };

    public static OttlView ForEvent(Span.Types.Event spanEvent) => new(OttlContext.SpanEvent) { _event = spanEvent };

    public static OttlView ForResource(Otlp.Proto.Resource.Resource resource) => new(OttlContext.Resource) { _resource = resource };

    public bool Changed => _copied;

    public Span Span => _span!;

    public Span.Types.Event Event => _event!;

    public Otlp.Proto.Resource.Resource Resource => _resource!;

    public object? Get(OttlPath path) => path.Target switch
    {
        PathTarget.Name => _context == OttlContext.SpanEvent ? _event!.Name : _span!.Name,
        PathTarget.Kind => (long)_span!.Kind,
        PathTarget.StatusCode => (long)(_span!.Status?.Code ?? Status.Types.StatusCode.Unset),
        PathTarget.Duration => (long)(_span!.EndTimeUnixNano - _span.StartTimeUnixNano),
        _ when path.Key is null => Map(path),
        _ => Unwrap(Find(Map(path), path.Key)),
    };

    public void Set(OttlPath path, object? value)
    {
        if (value is null) return; // OTTL: setting nil changes nothing
        switch (path.Target)
        {
            case PathTarget.Name when value is string name:
                if (_context == OttlContext.SpanEvent) EditableEvent().Name = name;
                else EditableSpan().Name = name;
                break;
            case PathTarget.Kind when value is long kind:
                EditableSpan().Kind = (Span.Types.SpanKind)kind;
                break;
            case PathTarget.StatusCode when value is long code:
                var span = EditableSpan();
                span.Status = new Status { Code = (Status.Types.StatusCode)code, Message = span.Status?.Message ?? "" };
                break;
            case PathTarget.Attributes or PathTarget.ResourceAttributes when path.Key is not null:
                var attributes = EditableMap(path);
                var index = IndexOf(attributes, path.Key);
                var attribute = new KeyValue { Key = path.Key, Value = Wrap(value) };
                if (index >= 0) attributes[index] = attribute;
                else attributes.Add(attribute);
                break;
            default:
                throw new OttlException($"cannot set {path.Target} to a {value.GetType().Name}");
        }
    }

    public RepeatedField<KeyValue> Map(OttlPath path) => path.Target switch
    {
        PathTarget.ResourceAttributes => _resource?.Attributes ?? [],
        _ when _context == OttlContext.SpanEvent => _event!.Attributes,
        _ when _context == OttlContext.Resource => _resource!.Attributes,
        _ => _span!.Attributes,
    };

    /// <summary>The map at <paramref name="path"/>, copied first if this view has not changed yet.</summary>
    public RepeatedField<KeyValue> EditableMap(OttlPath path)
    {
        if (_context == OttlContext.Resource || path.Target != PathTarget.ResourceAttributes)
        {
            _ = _context switch
            {
                OttlContext.Span => (object)EditableSpan(),
                OttlContext.SpanEvent => EditableEvent(),
                _ => EditableResource(),
            };
            return Map(path);
        }
        throw new OttlException("resource.attributes can only be changed by statements in the resource context");
    }

    private Span EditableSpan()
    {
        if (!_copied) (_span, _copied) = (SpanRewriter.ShallowCopy(_span!), true);
        return _span!;
    }

    private Span.Types.Event EditableEvent()
    {
        if (!_copied)
        {
            var copy = new Span.Types.Event { TimeUnixNano = _event!.TimeUnixNano, Name = _event.Name, DroppedAttributesCount = _event.DroppedAttributesCount };
            copy.Attributes.AddRange(_event.Attributes);
            (_event, _copied) = (copy, true);
        }
        return _event!;
    }

    private Otlp.Proto.Resource.Resource EditableResource()
    {
        if (!_copied)
        {
            var copy = new Otlp.Proto.Resource.Resource { DroppedAttributesCount = _resource!.DroppedAttributesCount };
            copy.Attributes.AddRange(_resource.Attributes);
            (_resource, _copied) = (copy, true);
        }
        return _resource!;
    }

    public static int IndexOf(RepeatedField<KeyValue> attributes, string key)
    {
        for (var i = 0; i < attributes.Count; i++)
            if (attributes[i].Key == key) return i;
        return -1;
    }

    private static AnyValue? Find(RepeatedField<KeyValue> attributes, string key)
    {
        var index = IndexOf(attributes, key);
        return index >= 0 ? attributes[index].Value : null;
    }

    /// <summary>Attribute values as OTTL sees them: strings, int64, float64 and bools as themselves.</summary>
    public static object? Unwrap(AnyValue? value) => value?.ValueCase switch
    {
        AnyValue.ValueOneofCase.StringValue => value.StringValue,
        AnyValue.ValueOneofCase.IntValue => value.IntValue,
        AnyValue.ValueOneofCase.DoubleValue => value.DoubleValue,
        AnyValue.ValueOneofCase.BoolValue => value.BoolValue,
        null or AnyValue.ValueOneofCase.None => null,
        _ => value,
    };

    public static AnyValue Wrap(object value) => value switch
    {
        string s => new AnyValue { StringValue = s },
        long l => new AnyValue { IntValue = l },
        double d => new AnyValue { DoubleValue = d },
        bool b => new AnyValue { BoolValue = b },
        AnyValue a => a,
        _ => new AnyValue { StringValue = AttributeValues.AsString(new AnyValue { StringValue = value.ToString() }) },
    };
}
