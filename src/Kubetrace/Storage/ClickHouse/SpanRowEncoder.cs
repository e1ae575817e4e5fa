using System.Globalization;
using Google.Protobuf;
using Kubetrace.Otlp.Proto.Common;
using Kubetrace.Otlp.Proto.Trace;
using Kubetrace.Pipeline;
using Kubetrace.Storage.Model;

namespace Kubetrace.Storage.ClickHouse;

/// <summary>
/// Turns an OTLP batch into RowBinary rows of the spans table (<see cref="ClickHouseSchema.SpanColumns"/>).
/// Scalar attribute values are stored as text with their type (<see cref="AttributeType"/>), so that they are
/// searchable and come back exactly; everything else of a span travels in <c>extra</c>, an OTLP Span message.
/// </summary>
internal static class SpanRowEncoder
{
    private const long NanosPerDay = 86_400_000_000_000;

    /// <summary>Writes the batch's spans; returns how many.</summary>
    public static int Write(TraceBatch batch, RowBinaryWriter rows)
    {
        var count = 0;
        var written = (ulong)TimeRange.ToNanos(DateTimeOffset.UtcNow);
        var promoted = new PromotedValues();
        foreach (var resourceSpans in batch.Request.ResourceSpans)
        {
            var resource = new ResourceSpans { Resource = resourceSpans.Resource, SchemaUrl = resourceSpans.SchemaUrl }.ToByteArray();
            var resourceAttributes = resourceSpans.Resource?.Attributes ?? [];
            var service = "";
            var resKeys = new string[resourceAttributes.Count];
            var resValues = new string[resourceAttributes.Count];
            for (var i = 0; i < resKeys.Length; i++)
            {
                resKeys[i] = resourceAttributes[i].Key;
                resValues[i] = StoredValue.TextOf(resourceAttributes[i].Value ?? new AnyValue());
                if (resKeys[i] == "service.name") service = resValues[i];
            }
            foreach (var scopeSpans in resourceSpans.ScopeSpans)
            {
                var scope = new ScopeSpans { Scope = scopeSpans.Scope, SchemaUrl = scopeSpans.SchemaUrl }.ToByteArray();
                foreach (var span in scopeSpans.Spans)
                {
                    WriteSpan(rows, span, service, resKeys, resValues, resource, scope, written + (ulong)count, promoted);
                    count++;
                }
            }
        }
        return count;
    }

    private static void WriteSpan(RowBinaryWriter rows, Span span, string service, string[] resKeys, string[] resValues,
        byte[] resource, byte[] scope, ulong written, PromotedValues promoted)
    {
        rows.UInt16((ushort)Math.Clamp((long)(span.StartTimeUnixNano / NanosPerDay), 0, ushort.MaxValue));
        rows.TraceId(TraceId.FromByteString(span.TraceId));
        rows.UInt64(SpanIds.FromByteString(span.SpanId));
        rows.UInt64(span.ParentSpanId.IsEmpty ? 0 : SpanIds.FromByteString(span.ParentSpanId));
        rows.String(service);
        rows.String(span.Name);
        rows.Byte((byte)span.Kind);
        rows.Byte((byte)(span.Status?.Code ?? 0));
        rows.String(span.Status?.Message ?? "");
        rows.UInt64(span.StartTimeUnixNano);
        rows.UInt64(unchecked(span.EndTimeUnixNano - span.StartTimeUnixNano)); // duration_ns: the end back as start + duration, modulo 2^64
        rows.UInt64(written);

        var attributes = span.Attributes;
        rows.VarUInt((ulong)attributes.Count);
        foreach (var attribute in attributes) rows.String(attribute.Key);
        rows.VarUInt((ulong)attributes.Count);
        promoted.Clear();
        foreach (var attribute in attributes)
        {
            var text = StoredValue.TextOf(attribute.Value ?? new AnyValue());
            rows.String(promoted.TryTake(attribute.Key, text, attribute.Value) ? "" : text);
        }
        // extra is built only for a span that has something for it: most spans have none, and then the column is "".
        var extra = HasExtra(span) ? Extra(span) : null;
        rows.VarUInt((ulong)attributes.Count);
        foreach (var attribute in attributes)
        {
            var type = AttributeTypes.Of(attribute.Value);
            rows.Byte((byte)type);
            if (type == AttributeType.Other) (extra ??= Extra(span)).Attributes.Add(attribute);
        }
        StringArray(rows, resKeys);
        StringArray(rows, resValues);
        rows.VarUInt((ulong)span.Links.Count);
        foreach (var link in span.Links) rows.TraceId(TraceId.FromByteString(link.TraceId));
        rows.VarUInt((ulong)span.Links.Count);
        foreach (var link in span.Links) rows.UInt64(SpanIds.FromByteString(link.SpanId));
        rows.Bytes(resource);
        rows.Bytes(scope);
        rows.Bytes(extra is null ? [] : extra.ToByteArray());
        promoted.Write(rows);
    }

    /// <summary>Whether the span has a field that only <c>extra</c> keeps (beside non-scalar attribute values).</summary>
    private static bool HasExtra(Span span) =>
        span.TraceState.Length > 0 || span.Flags != 0 || span.DroppedAttributesCount != 0 || span.DroppedEventsCount != 0 ||
        span.DroppedLinksCount != 0 || span.Events.Count > 0 || span.Links.Count > 0;

    /// <summary>The span's fields that have no column of their own, as an OTLP Span (its attributes added by the caller).</summary>
    private static Span Extra(Span span)
    {
        var extra = new Span
        {
            TraceState = span.TraceState, Flags = span.Flags, DroppedAttributesCount = span.DroppedAttributesCount,
            DroppedEventsCount = span.DroppedEventsCount, DroppedLinksCount = span.DroppedLinksCount,
        };
        extra.Events.Add(span.Events);
        extra.Links.Add(span.Links);
        return extra;
    }

    private static void StringArray(RowBinaryWriter rows, string[] items)
    {
        rows.VarUInt((ulong)items.Length);
        foreach (var item in items) rows.String(item);
    }
}

/// <summary>
/// One span's values of the promoted keys (<see cref="PromotedAttributes"/>), reused from span to span: the first
/// occurrence of a promoted key gives its value to the key's column (a UUID key only a canonical UUID string) and
/// leaves "" in attr_values; later occurrences, and values a column cannot hold, stay in the arrays.
/// </summary>
internal sealed class PromotedValues
{
    private readonly string[] _texts = new string[PromotedAttributes.All.Count];
    private readonly byte[] _uuids = new byte[16 * PromotedAttributes.All.Count];
    private readonly bool[] _seen = new bool[PromotedAttributes.All.Count];

    public void Clear()
    {
        Array.Fill(_texts, "");
        Array.Clear(_uuids);
        Array.Clear(_seen);
    }

    /// <summary>Takes the value into its key's column when it goes there; false when it stays in attr_values.</summary>
    public bool TryTake(string key, string text, AnyValue? value)
    {
        var index = PromotedAttributes.IndexOf(key);
        if (index < 0 || _seen[index]) return false;
        _seen[index] = true;
        if (PromotedAttributes.All[index].Kind == PromotedKind.Text)
        {
            _texts[index] = text;
            return true;
        }
        var uuid = _uuids.AsSpan(16 * index, 16);
        if (value?.ValueCase == AnyValue.ValueOneofCase.StringValue && PromotedAttribute.TryUuidBytes(text, uuid)) return true;
        uuid.Clear();
        return false;
    }

    public void Write(RowBinaryWriter rows)
    {
        for (var i = 0; i < _texts.Length; i++)
        {
            if (PromotedAttributes.All[i].Kind == PromotedKind.Text) rows.String(_texts[i]);
            else rows.Fixed(_uuids.AsSpan(16 * i, 16));
        }
    }
}

/// <summary>The OTLP type of a stored attribute value (column attr_types); Other values are kept whole in <c>extra</c>.</summary>
internal enum AttributeType : byte { Other = 0, String = 1, Int = 2, Double = 3, Bool = 4, Bytes = 5 }

internal static class AttributeTypes
{
    public static AttributeType Of(AnyValue? value) => value?.ValueCase switch
    {
        AnyValue.ValueOneofCase.StringValue => AttributeType.String,
        AnyValue.ValueOneofCase.IntValue => AttributeType.Int,
        AnyValue.ValueOneofCase.DoubleValue => AttributeType.Double,
        AnyValue.ValueOneofCase.BoolValue => AttributeType.Bool,
        AnyValue.ValueOneofCase.BytesValue => AttributeType.Bytes,
        _ => AttributeType.Other,
    };

    /// <summary>The OTLP value back from its stored text (the inverse of <see cref="StoredValue.TextOf"/> for scalars).</summary>
    public static AnyValue ToAnyValue(AttributeType type, string text) => type switch
    {
        AttributeType.Int => new AnyValue { IntValue = long.Parse(text, CultureInfo.InvariantCulture) },
        AttributeType.Double => new AnyValue { DoubleValue = double.Parse(text, CultureInfo.InvariantCulture) },
        AttributeType.Bool => new AnyValue { BoolValue = text == "true" },
        AttributeType.Bytes => new AnyValue { BytesValue = ByteString.FromBase64(text) },
        _ => new AnyValue { StringValue = text },
    };
}
