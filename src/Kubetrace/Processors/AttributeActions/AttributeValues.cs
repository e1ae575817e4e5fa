using System.Globalization;
using Kubetrace.Otlp.Proto.Common;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Kubetrace.Processors.AttributeActions;

/// <summary>Conversions between YAML, attribute values and text, the way the Collector's pcommon.Value does them.</summary>
public static class AttributeValues
{
    /// <summary>A YAML scalar as Go's YAML decoder types it: plain integers, floats and booleans keep their type.</summary>
    public static AnyValue FromYaml(YamlNode node)
    {
        if (node is not YamlScalarNode scalar) return new AnyValue { StringValue = node.ToString() };
        var text = scalar.Value ?? "";
        if (scalar.Style is ScalarStyle.Plain)
        {
            if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer)) return new AnyValue { IntValue = integer };
            if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number)) return new AnyValue { DoubleValue = number };
            if (text is "true" or "True" or "TRUE") return new AnyValue { BoolValue = true };
            if (text is "false" or "False" or "FALSE") return new AnyValue { BoolValue = false };
        }
        return new AnyValue { StringValue = text };
    }

    /// <summary>pcommon.Value.AsString: strings as they are, numbers and booleans in Go's formatting.</summary>
    public static string AsString(AnyValue? value) => value?.ValueCase switch
    {
        AnyValue.ValueOneofCase.StringValue => value.StringValue,
        AnyValue.ValueOneofCase.IntValue => value.IntValue.ToString(CultureInfo.InvariantCulture),
        AnyValue.ValueOneofCase.DoubleValue => value.DoubleValue.ToString("R", CultureInfo.InvariantCulture),
        AnyValue.ValueOneofCase.BoolValue => value.BoolValue ? "true" : "false",
        AnyValue.ValueOneofCase.BytesValue => Convert.ToBase64String(value.BytesValue.Span),
        null or AnyValue.ValueOneofCase.None => "",
        _ => value.ToString(),
    };

    public static int IndexOf(IReadOnlyList<KeyValue> attributes, string key)
    {
        for (var i = 0; i < attributes.Count; i++)
            if (attributes[i].Key == key) return i;
        return -1;
    }
}
