using System.Globalization;
using Google.Protobuf;
using Kubetrace.Otlp.Proto.Common;

namespace Kubetrace.Storage.Model;

/// <summary>
/// An attribute value in a head's dictionary: its text (what conditions compare against) and, for anything but a
/// string, the original OTLP value's encoding so that reads return exactly what was written (parsed when read:
/// keeping the parsed AnyValue too cost two more objects per distinct value for the life of the head).
/// </summary>
internal sealed class StoredValue
{
    private StoredValue(string text, ByteString? encoded)
    {
        Text = text;
        Encoded = encoded;
    }

    public string Text { get; }

    /// <summary>The AnyValue encoding of a value that is not a plain string (the dictionary key for non-strings); null for strings.</summary>
    public ByteString? Encoded { get; }

    public static StoredValue FromString(string text) => new(text, null);

    public static StoredValue FromAnyValue(AnyValue value, ByteString encoded) => new(TextOf(value), encoded);

    public AnyValue ToAnyValue() => Encoded is { } encoded ? AnyValue.Parser.ParseFrom(encoded) : new AnyValue { StringValue = Text };

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
