using Google.Protobuf;
using Kubetrace.Otlp.Proto.Common;

namespace Kubetrace.Tests.EndToEnd.Harness;

/// <summary>
/// Builds the OTLP values a test expects from the plain values it gave a client, so that one list of attributes
/// serves both as the client's input and as the expectation.
/// </summary>
internal static class OtlpValues
{
    public static AnyValue Of(object value) => value switch
    {
        string s => new AnyValue { StringValue = s },
        bool b => new AnyValue { BoolValue = b },
        int i => new AnyValue { IntValue = i },
        long l => new AnyValue { IntValue = l },
        double d => new AnyValue { DoubleValue = d },
        byte[] bytes => new AnyValue { BytesValue = ByteString.CopyFrom(bytes) },
        System.Collections.IEnumerable items => Array(items),
        _ => throw new ArgumentException($"No OTLP value for {value.GetType()}"),
    };

    public static KeyValue Attribute(string key, object value) => new() { Key = key, Value = Of(value) };

    public static IEnumerable<KeyValue> Attributes(IEnumerable<KeyValuePair<string, object>> attributes) =>
        attributes.Select(a => Attribute(a.Key, a.Value));

    public static ByteString Hex(string hex) => ByteString.CopyFrom(Convert.FromHexString(hex));

    public static string Hex(ByteString bytes) => Convert.ToHexStringLower(bytes.Span);

    private static AnyValue Array(System.Collections.IEnumerable items)
    {
        var array = new ArrayValue();
        foreach (var item in items) array.Values.Add(Of(item!));
        return new AnyValue { ArrayValue = array };
    }
}
