using System.Globalization;
using Google.Protobuf.Collections;
using Kubetrace.Otlp.Proto.Common;

namespace Kubetrace.Processors.Redaction;

/// <summary>
/// Redacts one attribute list the Collector's way (processAttrs): per key, in order — ignored keys pass; keys not
/// allowed are removed; a value matching allowed_values passes; a blocked key has its whole value masked; otherwise
/// each blocked value match is masked. Then the summary attributes (<c>redaction.*.keys</c> / <c>.count</c>) are
/// merged into the list for <c>summary: debug</c> (keys and counts) or <c>info</c> (counts).
/// </summary>
internal sealed class AttributeRedactor(RedactionRules rules)
{
    private const string Separator = ",";

    /// <returns>The redacted list, or null when nothing changed (the input is then kept as it is).</returns>
    public List<KeyValue>? Redact(RepeatedField<KeyValue> attributes)
    {
        List<KeyValue>? output = null;
        List<string>? removed = null, masked = null, allowed = null;
        var ignored = 0;
        for (var i = 0; i < attributes.Count; i++)
        {
            var attribute = attributes[i];
            var replacement = RedactOne(attribute, ref removed, ref masked, ref allowed, ref ignored);
            if (output is null && ReferenceEquals(replacement, attribute)) continue;
            output ??= [.. attributes.Take(i)];
            if (replacement is not null) output.Add(replacement);
        }
        if (rules.Summary is not ("debug" or "info") || (removed ?? masked ?? allowed) is null && ignored == 0) return output;

        output ??= [.. attributes];
        AddSummary(output, removed, "redaction.redacted.keys", "redaction.redacted.count");
        AddSummary(output, masked, "redaction.masked.keys", "redaction.masked.count");
        AddSummary(output, allowed, "redaction.allowed.keys", "redaction.allowed.count");
        if (ignored > 0) AddSummary(output, Enumerable.Repeat("", ignored).ToList(), null, "redaction.ignored.count");
        return output;
    }

    private KeyValue? RedactOne(KeyValue attribute, ref List<string>? removed, ref List<string>? masked, ref List<string>? allowed, ref int ignored)
    {
        var key = attribute.Key;
        if (rules.IsIgnored(key))
        {
            ignored++;
            return attribute;
        }
        if (rules.MustRemove(key))
        {
            (removed ??= []).Add(key);
            return null;
        }
        var value = attribute.Value ?? new AnyValue();
        var text = value.ValueCase == AnyValue.ValueOneofCase.StringValue ? value.StringValue : null;
        if (text is not null && rules.IsAllowedValue(text))
        {
            (allowed ??= []).Add(key);
            return attribute;
        }
        if (rules.IsBlockedKey(key))
        {
            (masked ??= []).Add(key);
            return new KeyValue { Key = key, Value = new AnyValue { StringValue = rules.Masker.Mask(text ?? AsString(value)) } };
        }
        var redacted = RedactValue(value);
        if (redacted is null) return attribute;
        (masked ??= []).Add(key);
        return new KeyValue { Key = key, Value = redacted };
    }

    /// <summary>The value with its secrets masked, or null when it has none.</summary>
    public AnyValue? RedactValue(AnyValue value)
    {
        switch (value.ValueCase)
        {
            case AnyValue.ValueOneofCase.StringValue:
                return rules.RedactText(value.StringValue) is { } text ? new AnyValue { StringValue = text } : null;
            case AnyValue.ValueOneofCase.ArrayValue when rules.ScanNestedStrings:
            {
                List<AnyValue>? items = null;
                var values = value.ArrayValue.Values;
                for (var i = 0; i < values.Count; i++)
                {
                    var item = RedactValue(values[i]);
                    if (item is null && items is null) continue;
                    items ??= [.. values.Take(i)];
                    items.Add(item ?? values[i]);
                }
                return items is null ? null : new AnyValue { ArrayValue = new ArrayValue { Values = { items } } };
            }
            case AnyValue.ValueOneofCase.KvlistValue when rules.ScanNestedStrings:
            {
                List<KeyValue>? entries = null;
                var pairs = value.KvlistValue.Values;
                for (var i = 0; i < pairs.Count; i++)
                {
                    var item = pairs[i].Value is { } nested ? RedactValue(nested) : null;
                    if (item is null && entries is null) continue;
                    entries ??= [.. pairs.Take(i)];
                    entries.Add(item is null ? pairs[i] : new KeyValue { Key = pairs[i].Key, Value = item });
                }
                return entries is null ? null : new AnyValue { KvlistValue = new KeyValueList { Values = { entries } } };
            }
            case AnyValue.ValueOneofCase.IntValue or AnyValue.ValueOneofCase.DoubleValue or AnyValue.ValueOneofCase.BoolValue when rules.ScanAllTypes:
                return rules.RedactText(AsString(value)) is { } scanned ? new AnyValue { StringValue = scanned } : null;
            default:
                return null;
        }
    }

    private static string AsString(AnyValue value) => value.ValueCase switch
    {
        AnyValue.ValueOneofCase.StringValue => value.StringValue,
        AnyValue.ValueOneofCase.IntValue => value.IntValue.ToString(CultureInfo.InvariantCulture),
        AnyValue.ValueOneofCase.DoubleValue => value.DoubleValue.ToString("R", CultureInfo.InvariantCulture),
        AnyValue.ValueOneofCase.BoolValue => value.BoolValue ? "true" : "false",
        _ => value.ToString(), // lists, maps, bytes: their JSON text, as the Collector's AsString
    };

    private void AddSummary(List<KeyValue> attributes, List<string>? keys, string? keysAttribute, string countAttribute)
    {
        if (keys is null || keys.Count == 0) return;
        long count = keys.Count;
        if (rules.Summary == "debug" && keysAttribute is not null)
        {
            var all = new List<string>(keys);
            var existing = attributes.FindIndex(a => a.Key == keysAttribute);
            if (existing >= 0 && attributes[existing].Value?.StringValue is { Length: > 0 } earlier) all.AddRange(earlier.Split(Separator));
            all.Sort(StringComparer.Ordinal);
            Put(attributes, keysAttribute, new AnyValue { StringValue = string.Join(Separator, all) });
        }
        var existingCount = attributes.FindIndex(a => a.Key == countAttribute);
        if (existingCount >= 0) count += attributes[existingCount].Value?.IntValue ?? 0;
        Put(attributes, countAttribute, new AnyValue { IntValue = count });
    }

    private static void Put(List<KeyValue> attributes, string key, AnyValue value)
    {
        var index = attributes.FindIndex(a => a.Key == key);
        var attribute = new KeyValue { Key = key, Value = value };
        if (index >= 0) attributes[index] = attribute;
        else attributes.Add(attribute);
    }
}
