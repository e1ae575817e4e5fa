using System.Globalization;
using Google.Protobuf;
using Kubetrace.Otlp.Proto.Common;

namespace Kubetrace.Storage.ClickHouse;

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

    /// <summary>The OTLP value back from its stored text (the inverse of <see cref="Model.StoredValue.TextOf"/> for scalars).</summary>
    public static AnyValue ToAnyValue(AttributeType type, string text) => type switch
    {
        AttributeType.Int => new AnyValue { IntValue = long.Parse(text, CultureInfo.InvariantCulture) },
        AttributeType.Double => new AnyValue { DoubleValue = double.Parse(text, CultureInfo.InvariantCulture) },
        AttributeType.Bool => new AnyValue { BoolValue = text == "true" },
        AttributeType.Bytes => new AnyValue { BytesValue = ByteString.FromBase64(text) },
        _ => new AnyValue { StringValue = text },
    };
}
