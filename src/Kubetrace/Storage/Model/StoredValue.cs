using System.Globalization;
using Google.Protobuf;
using Kubetrace.Otlp.Proto.Common;

namespace Kubetrace.Storage.Model;

/// <summary>
/// An attribute value in a dictionary: its text (what conditions compare against) and, for anything but a
/// string, the original OTLP value so that reads return exactly what was written.
/// </summary>
internal sealed class StoredValue
{
    private StoredValue(string text, AnyValue? nonString, ByteString? encoded)
    {
        Text = text;
        NonString = nonString;
        Encoded = encoded;
    }

    public string Text { get; }

    /// <summary>The OTLP value when it is not a plain string; null for strings.</summary>
    public AnyValue? NonString { get; }

    /// <summary>Protobuf encoding of <see cref="NonString"/> (the dictionary key for non-strings).</summary>
    public ByteString? Encoded { get; }

    public static StoredValue FromString(string text) => new(text, null, null);

    public static StoredValue FromAnyValue(AnyValue value) =>
        new(TextOf(value), value, value.ToByteString());

    public static StoredValue FromEncoded(ByteString encoded) =>
        FromAnyValue(AnyValue.Parser.ParseFrom(encoded));

    public AnyValue ToAnyValue() => NonString ?? new AnyValue { StringValue = Text };

    public static string TextOf(AnyValue value) => value.ValueCase switch
    {
        AnyValue.ValueOneofCase.StringValue => value.StringValue,
        AnyValue.ValueOneofCase.IntValue => value.IntValue.ToString(CultureInfo.InvariantCulture),
        AnyValue.ValueOneofCase.DoubleValue => value.DoubleValue.ToString("R", CultureInfo.InvariantCulture),
        AnyValue.ValueOneofCase.BoolValue => value.BoolValue ? "true" : "false",
        AnyValue.ValueOneofCase.BytesValue => Convert.ToBase64String(value.BytesValue.Span),
        AnyValue.ValueOneofCase.None => "",
        _ => value.ToString(),
    };
}
