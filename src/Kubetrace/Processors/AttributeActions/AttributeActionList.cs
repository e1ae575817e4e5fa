using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Google.Protobuf.Collections;
using Kubetrace.Otlp.Proto.Common;

namespace Kubetrace.Processors.AttributeActions;

/// <summary>
/// A compiled list of attribute actions applied in order to one attribute list (a span's or a resource's), with the
/// Collector's semantics: insert only when absent, update only when present, upsert always, delete/hash by key or
/// pattern, extract named groups (upserted), convert between int, double and string (unconvertible values kept).
/// </summary>
public sealed class AttributeActionList
{
    private readonly CompiledAction[] _actions;

    public AttributeActionList(IEnumerable<ActionConfig> actions) => _actions = actions.Select(Compile).ToArray();

    private sealed record CompiledAction(string Key, string Action, AnyValue? Value, Regex? Pattern, string FromAttribute, string? MetadataKey, string ConvertedType);

    private static CompiledAction Compile(ActionConfig config) => new(
        config.Key, config.Action.ToLowerInvariant(), config.Value is null ? null : AttributeValues.FromYaml(config.Value),
        config.Pattern.Length > 0 ? CollectorRegex.Compile(config.Pattern) : null, config.FromAttribute,
        MetadataKey(config.FromContext),
        config.ConvertedType);

    /// <summary>
    /// The client metadata key <c>from_context</c> reads, as the Collector resolves it: <c>metadata.&lt;key&gt;</c>, or
    /// any other name itself (its fallback for older configs); <c>auth.*</c> and <c>client.address</c> (which
    /// Kubetrace's receivers do not record) never match.
    /// </summary>
    private static string? MetadataKey(string fromContext) =>
        fromContext.Length == 0 || fromContext.StartsWith("auth.", StringComparison.Ordinal) || fromContext == "client.address" ? null
        : fromContext.StartsWith("metadata.", StringComparison.Ordinal) ? fromContext["metadata.".Length..]
        : fromContext;

    /// <returns>The new list, or null when no action changed anything.</returns>
    public List<KeyValue>? Apply(RepeatedField<KeyValue> input, IReadOnlyDictionary<string, string>? metadata)
    {
        List<KeyValue>? output = null;
        foreach (var action in _actions)
        {
            IReadOnlyList<KeyValue> current = output ?? (IReadOnlyList<KeyValue>)input;
            var index = action.Key.Length > 0 ? AttributeValues.IndexOf(current, action.Key) : -1;
            switch (action.Action)
            {
                case "insert" when index < 0:
                case "update" when index >= 0:
                case "upsert":
                    if (SourceValue(action, current, metadata) is { } value) Set(ref output, input, action.Key, value);
                    break;
                case "delete":
                    RemoveWhere(ref output, input, key => key == action.Key || action.Pattern?.IsMatch(key) == true);
                    break;
                case "hash":
                    for (var i = 0; i < (output ?? (IReadOnlyList<KeyValue>)input).Count; i++)
                    {
                        var attribute = (output ?? (IReadOnlyList<KeyValue>)input)[i];
                        if (attribute.Key != action.Key && action.Pattern?.IsMatch(attribute.Key) != true) continue;
                        Set(ref output, input, attribute.Key, new AnyValue { StringValue = HashValue(attribute.Value) });
                    }
                    break;
                case "extract" when index >= 0 && current[index].Value?.ValueCase == AnyValue.ValueOneofCase.StringValue:
                    var match = action.Pattern!.Match(current[index].Value.StringValue);
                    if (!match.Success) break;
                    // Every named group, "" for one that took no part in the match (Go's FindStringSubmatch).
                    foreach (var name in action.Pattern.GetGroupNames())
                        if (!int.TryParse(name, out _))
                            Set(ref output, input, name, new AnyValue { StringValue = match.Groups[name].Value });
                    break;
                case "convert" when index >= 0 && Convert(current[index].Value, action.ConvertedType) is { } converted:
                    Set(ref output, input, action.Key, converted);
                    break;
            }
        }
        return output;
    }

    private static AnyValue? SourceValue(CompiledAction action, IReadOnlyList<KeyValue> current, IReadOnlyDictionary<string, string>? metadata)
    {
        if (action.Value is not null) return action.Value;
        if (action.FromAttribute.Length > 0)
        {
            var index = AttributeValues.IndexOf(current, action.FromAttribute);
            return index >= 0 ? current[index].Value : null;
        }
        return action.MetadataKey is not null && metadata is not null && metadata.TryGetValue(action.MetadataKey, out var text)
            ? new AnyValue { StringValue = text }
            : null;
    }

    private static void Set(ref List<KeyValue>? output, RepeatedField<KeyValue> input, string key, AnyValue value)
    {
        output ??= [.. input];
        var index = AttributeValues.IndexOf(output, key);
        var attribute = new KeyValue { Key = key, Value = value };
        if (index >= 0) output[index] = attribute;
        else output.Add(attribute);
    }

    private static void RemoveWhere(ref List<KeyValue>? output, RepeatedField<KeyValue> input, Func<string, bool> predicate)
    {
        if (!(output ?? (IEnumerable<KeyValue>)input).Any(a => predicate(a.Key))) return;
        output ??= [.. input];
        output.RemoveAll(a => predicate(a.Key));
    }

    /// <summary>Lowercase hex SHA-256 of a text's UTF-8 bytes (OTTL's SHA256).</summary>
    public static string Sha256(string text) => System.Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    /// <summary>
    /// The Collector's hash action (attraction/hasher.go): SHA-256 of a string's bytes, of an int's or a double's 8
    /// bytes (little-endian; the double's IEEE bits), of a bool's one byte (1 or 0); nothing to hash (an empty string,
    /// a list, a map, bytes) gives the empty string.
    /// </summary>
    public static string HashValue(AnyValue? value)
    {
        Span<byte> bytes = stackalloc byte[8];
        switch (value?.ValueCase)
        {
            case AnyValue.ValueOneofCase.StringValue when value.StringValue.Length > 0:
                return Sha256(value.StringValue);
            case AnyValue.ValueOneofCase.IntValue:
                BinaryPrimitives.WriteInt64LittleEndian(bytes, value.IntValue);
                break;
            case AnyValue.ValueOneofCase.DoubleValue:
                BinaryPrimitives.WriteInt64LittleEndian(bytes, BitConverter.DoubleToInt64Bits(value.DoubleValue));
                break;
            case AnyValue.ValueOneofCase.BoolValue:
                bytes = bytes[..1];
                bytes[0] = value.BoolValue ? (byte)1 : (byte)0;
                break;
            default:
                return "";
        }
        return System.Convert.ToHexStringLower(SHA256.HashData(bytes));
    }

    private static AnyValue? Convert(AnyValue? value, string type)
    {
        if (value is null) return null;
        switch (type)
        {
            case "string":
                return value.ValueCase == AnyValue.ValueOneofCase.StringValue ? null : new AnyValue { StringValue = AttributeValues.AsString(value) };
            case "int":
                return value.ValueCase switch
                {
                    AnyValue.ValueOneofCase.IntValue => null,
                    AnyValue.ValueOneofCase.DoubleValue => new AnyValue { IntValue = (long)value.DoubleValue },
                    AnyValue.ValueOneofCase.BoolValue => new AnyValue { IntValue = value.BoolValue ? 1 : 0 },
                    AnyValue.ValueOneofCase.StringValue when long.TryParse(value.StringValue, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var i) =>
                        new AnyValue { IntValue = i },
                    _ => null,
                };
            default: // double
                return value.ValueCase switch
                {
                    AnyValue.ValueOneofCase.DoubleValue => null,
                    AnyValue.ValueOneofCase.IntValue => new AnyValue { DoubleValue = value.IntValue },
                    AnyValue.ValueOneofCase.BoolValue => new AnyValue { DoubleValue = value.BoolValue ? 1 : 0 },
                    AnyValue.ValueOneofCase.StringValue when double.TryParse(value.StringValue, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) =>
                        new AnyValue { DoubleValue = d },
                    _ => null,
                };
        }
    }
}
