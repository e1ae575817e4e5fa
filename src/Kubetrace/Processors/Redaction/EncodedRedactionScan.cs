using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Kubetrace.Otlp.Wire;
using Kubetrace.Storage.Model;

namespace Kubetrace.Processors.Redaction;

/// <summary>
/// Tells, from the encoded request and without building objects, which resource groups (<c>ResourceSpans</c>) the
/// rules could change: any attribute key that is removed, masked or ignored with a summary, any value or span text
/// that a value rule matches. Only those groups are decoded and redacted; the rest pass on as their bytes.
/// </summary>
/// <remarks>
/// The scan is a superset test: it reads every place the object path redacts (resource, span and span event
/// attributes, scope attributes, nested lists and maps, span and event names, status messages) with the same rules, and calls a group
/// dirty when anything there matches a rule at all, even where the object path would then change nothing; a group
/// with a field it does not expect (a repeated key or value, an unknown field, malformed bytes) is dirty too. So a
/// clean group is one the object path would hand on unchanged, and a dirty one goes through the object path itself.
/// </remarks>
internal sealed class EncodedRedactionScan(RedactionRules rules)
{
    private const int MaxCachedKeys = 4096;
    private const int MaxNesting = 32;

    // Request, ResourceSpans, Resource, ScopeSpans, Span, Event, Status, KeyValue, AnyValue field numbers (OTLP v1).
    private const int ResourceField = 1, ScopeSpansField = 2, ResourceSchemaUrlField = 3;
    private const int ResourceAttributesField = 1, ResourceDroppedField = 2;
    private const int ScopeField = 1, SpansField = 2, ScopeSchemaUrlField = 3;
    private const int ScopeNameField = 1, ScopeVersionField = 2, ScopeAttributesField = 3, ScopeDroppedField = 4;
    private const int SpanNameField = 5, SpanAttributesField = 9, SpanEventsField = 11, SpanStatusField = 15;
    private const int EventNameField = 2, EventAttributesField = 3;
    private const int StatusMessageField = 2;
    private const int KeyField = 1, ValueField = 2;
    private const int StringValue = 1, BoolValue = 2, IntValue = 3, DoubleValue = 4, ArrayValue = 5, KvlistValue = 6;
    private const int ListValuesField = 1;

    private enum KeyClass : byte { CheckValue, Dirty, Pass }

    private readonly ConcurrentDictionary<byte[], KeyClass> _keys = new(ArrayKeyComparer<byte>.Instance);

    /// <summary>
    /// The indexes of the request's resource groups that need the object path, in order (empty when the whole
    /// request passes as it is); null when the request itself cannot be walked (then all of it takes the object path).
    /// </summary>
    public List<int>? DirtyResources(ReadOnlySpan<byte> request)
    {
        var dirty = new List<int>();
        var reader = new ProtoWireReader(request);
        for (var index = 0; !reader.AtEnd; index++)
        {
            if (!reader.TryReadField(out var field) || field.Number != 1 || !field.IsLengthDelimited) return null;
            if (!IsCleanResourceSpans(request[field.ValueStart..field.End])) dirty.Add(index);
        }
        return dirty;
    }

    private bool IsCleanResourceSpans(ReadOnlySpan<byte> message)
    {
        var reader = new ProtoWireReader(message);
        while (!reader.AtEnd)
        {
            if (!reader.TryReadField(out var field)) return false;
            var value = message[field.ValueStart..field.End];
            var clean = (field.Number, field.IsLengthDelimited) switch
            {
                (ResourceField, true) => IsCleanResource(value),
                (ScopeSpansField, true) => IsCleanScopeSpans(value),
                (ResourceSchemaUrlField, true) => true,
                _ => false,
            };
            if (!clean) return false;
        }
        return true;
    }

    private bool IsCleanResource(ReadOnlySpan<byte> message)
    {
        var reader = new ProtoWireReader(message);
        while (!reader.AtEnd)
        {
            if (!reader.TryReadField(out var field)) return false;
            if (field.Number == ResourceAttributesField && field.IsLengthDelimited)
            {
                if (!IsCleanAttribute(message[field.ValueStart..field.End])) return false;
            }
            else if (field.Number != ResourceDroppedField) return false;
        }
        return true;
    }

    private bool IsCleanScopeSpans(ReadOnlySpan<byte> message)
    {
        var reader = new ProtoWireReader(message);
        while (!reader.AtEnd)
        {
            if (!reader.TryReadField(out var field)) return false;
            var clean = field.Number switch
            {
                SpansField => field.IsLengthDelimited && IsCleanSpan(message[field.ValueStart..field.End]),
                ScopeField => field.IsLengthDelimited && IsCleanScope(message[field.ValueStart..field.End]),
                ScopeSchemaUrlField => true,
                _ => false,
            };
            if (!clean) return false;
        }
        return true;
    }

    private bool IsCleanScope(ReadOnlySpan<byte> scope)
    {
        var reader = new ProtoWireReader(scope);
        while (!reader.AtEnd)
        {
            if (!reader.TryReadField(out var field)) return false;
            var clean = field.Number switch
            {
                ScopeAttributesField => field.IsLengthDelimited && IsCleanAttribute(scope[field.ValueStart..field.End]),
                ScopeNameField or ScopeVersionField or ScopeDroppedField => true,
                _ => false,
            };
            if (!clean) return false;
        }
        return true;
    }

    private bool IsCleanSpan(ReadOnlySpan<byte> span)
    {
        var reader = new ProtoWireReader(span);
        while (!reader.AtEnd)
        {
            if (!reader.TryReadField(out var field)) return false;
            if (field.Number > 16) return false; // not a field of Span v1: the decoder keeps it, let it
            var value = span[field.ValueStart..field.End];
            var clean = field.Number switch
            {
                SpanAttributesField => field.IsLengthDelimited && IsCleanAttribute(value),
                SpanEventsField => field.IsLengthDelimited && IsCleanEvent(value),
                SpanNameField => !rules.ScanSpanText || IsCleanText(value),
                SpanStatusField => !rules.ScanSpanText || field.IsLengthDelimited && IsCleanStatus(value),
                _ => true,
            };
            if (!clean) return false;
        }
        return true;
    }

    private bool IsCleanEvent(ReadOnlySpan<byte> spanEvent)
    {
        var reader = new ProtoWireReader(spanEvent);
        while (!reader.AtEnd)
        {
            if (!reader.TryReadField(out var field)) return false;
            var value = spanEvent[field.ValueStart..field.End];
            var clean = field.Number switch
            {
                EventAttributesField => field.IsLengthDelimited && IsCleanAttribute(value),
                EventNameField => !rules.ScanSpanText || IsCleanText(value),
                _ => field.Number <= 4,
            };
            if (!clean) return false;
        }
        return true;
    }

    private bool IsCleanStatus(ReadOnlySpan<byte> status)
    {
        var reader = new ProtoWireReader(status);
        while (!reader.AtEnd)
        {
            if (!reader.TryReadField(out var field)) return false;
            if (field.Number == StatusMessageField && !IsCleanText(status[field.ValueStart..field.End])) return false;
        }
        return true;
    }

    /// <summary>One KeyValue: its key's class, then (for keys that keep their value as it is) the value.</summary>
    private bool IsCleanAttribute(ReadOnlySpan<byte> keyValue)
    {
        ReadOnlySpan<byte> key = default, value = default;
        int keys = 0, values = 0;
        var reader = new ProtoWireReader(keyValue);
        while (!reader.AtEnd)
        {
            if (!reader.TryReadField(out var field) || !field.IsLengthDelimited) return false;
            if (field.Number == KeyField)
            {
                key = keyValue[field.ValueStart..field.End];
                keys++;
            }
            else if (field.Number == ValueField)
            {
                value = keyValue[field.ValueStart..field.End];
                values++;
            }
            else return false;
        }
        // A repeated key or value is merged by the decoder (last key wins, values merge): leave it to the object path.
        if (keys > 1 || values > 1) return false;
        return Classify(key) switch
        {
            KeyClass.Pass => true,
            KeyClass.Dirty => false,
            _ => IsCleanValue(value, allowedValueCounts: true, depth: 0),
        };
    }

    /// <summary>The key's class, looked up by its UTF-8 bytes (no decoding for a key seen before).</summary>
    private KeyClass Classify(ReadOnlySpan<byte> utf8Key)
    {
        var lookup = _keys.GetAlternateLookup<ReadOnlySpan<byte>>();
        if (lookup.TryGetValue(utf8Key, out var known)) return known;
        var computed = ClassOf(Encoding.UTF8.GetString(utf8Key));
        if (_keys.Count < MaxCachedKeys) lookup.TryAdd(utf8Key, computed);
        return computed;
    }

    /// <summary>What <see cref="AttributeRedactor"/> does with an attribute of this key before it looks at the value.</summary>
    private KeyClass ClassOf(string key)
    {
        if (rules.IsIgnored(key)) return rules.Summary is "debug" or "info" ? KeyClass.Dirty : KeyClass.Pass;
        return rules.MustRemove(key) || rules.IsBlockedKey(key) ? KeyClass.Dirty : KeyClass.CheckValue;
    }

    /// <summary>An AnyValue that <see cref="AttributeRedactor.RedactValue"/> would leave alone (and, at the top, that
    /// no allowed_values pattern matches, since that is counted in the summary).</summary>
    private bool IsCleanValue(ReadOnlySpan<byte> anyValue, bool allowedValueCounts, int depth)
    {
        if (depth > MaxNesting) return false;
        var reader = new ProtoWireReader(anyValue);
        var fields = 0;
        var clean = true;
        while (!reader.AtEnd)
        {
            if (!reader.TryReadField(out var field)) return false;
            fields++;
            var value = anyValue[field.ValueStart..field.End];
            clean &= field.Number switch
            {
                StringValue => field.IsLengthDelimited && IsCleanString(value, allowedValueCounts),
                ArrayValue => !rules.ScanNestedStrings || field.IsLengthDelimited && IsCleanList(value, isMap: false, depth),
                KvlistValue => !rules.ScanNestedStrings || field.IsLengthDelimited && IsCleanList(value, isMap: true, depth),
                IntValue => !rules.ScanAllTypes || field.Type == WireType.Varint && IsCleanScalar(value, IntValue),
                BoolValue => !rules.ScanAllTypes || field.Type == WireType.Varint && IsCleanScalar(value, BoolValue),
                DoubleValue => !rules.ScanAllTypes || field.Type == WireType.Fixed64 && IsCleanScalar(value, DoubleValue),
                _ => true,
            };
        }
        return clean && fields <= 1; // several oneof fields: the decoder keeps the last; leave it to the object path
    }

    private bool IsCleanList(ReadOnlySpan<byte> list, bool isMap, int depth)
    {
        var reader = new ProtoWireReader(list);
        while (!reader.AtEnd)
        {
            if (!reader.TryReadField(out var field) || field.Number != ListValuesField || !field.IsLengthDelimited) return false;
            var item = list[field.ValueStart..field.End];
            if (!(isMap ? IsCleanNestedPair(item, depth) : IsCleanValue(item, allowedValueCounts: false, depth + 1))) return false;
        }
        return true;
    }

    /// <summary>A KeyValue inside a map: only its value is scanned (keys inside maps are never removed).</summary>
    private bool IsCleanNestedPair(ReadOnlySpan<byte> keyValue, int depth)
    {
        var reader = new ProtoWireReader(keyValue);
        var values = 0;
        while (!reader.AtEnd)
        {
            if (!reader.TryReadField(out var field) || !field.IsLengthDelimited || field.Number is not (KeyField or ValueField)) return false;
            if (field.Number == ValueField && (++values > 1 || !IsCleanValue(keyValue[field.ValueStart..field.End], allowedValueCounts: false, depth + 1))) return false;
        }
        return true;
    }

    private bool IsCleanScalar(ReadOnlySpan<byte> encoded, int kind)
    {
        var reader = new ProtoWireReader(encoded);
        var text = kind switch
        {
            IntValue => ((long)reader.ReadVarint()).ToString(CultureInfo.InvariantCulture),
            BoolValue => reader.ReadVarint() != 0 ? "true" : "false",
            _ => BitConverter.Int64BitsToDouble(BinaryPrimitives.ReadInt64LittleEndian(encoded)).ToString("R", CultureInfo.InvariantCulture),
        };
        return !rules.CouldRedact(text);
    }

    private bool IsCleanText(ReadOnlySpan<byte> utf8) => IsCleanString(utf8, allowedValueCounts: false);

    private bool IsCleanString(ReadOnlySpan<byte> utf8, bool allowedValueCounts)
    {
        var rented = utf8.Length <= 512 ? null : ArrayPool<char>.Shared.Rent(Encoding.UTF8.GetMaxCharCount(utf8.Length));
        Span<char> buffer = rented ?? stackalloc char[Encoding.UTF8.GetMaxCharCount(512)];
        try
        {
            var text = buffer[..Encoding.UTF8.GetChars(utf8, buffer)];
            return !(allowedValueCounts && rules.IsAllowedValue(text)) && !rules.CouldRedact(text);
        }
        finally
        {
            if (rented is not null) ArrayPool<char>.Shared.Return(rented);
        }
    }
}
