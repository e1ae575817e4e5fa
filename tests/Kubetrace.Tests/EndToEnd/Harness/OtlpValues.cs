using Google.Protobuf;
using Kubetrace.Otlp.Proto.Common;

namespace Kubetrace.Tests.EndToEnd.Harness;

/// <summary>
/// Builds the OTLP values a test expects from the plain values it gave a client, so that one list of attributes
/// serves both as the client's input and as the expectation (values as <see cref="Spans.Value"/> makes them).
/// </summary>
internal static class OtlpValues
{
    public static IEnumerable<KeyValue> Attributes(IEnumerable<KeyValuePair<string, object>> attributes) =>
        attributes.Select(a => Spans.Attr(a.Key, a.Value));

    public static ByteString Hex(string hex) => ByteString.CopyFrom(Convert.FromHexString(hex));

    public static string Hex(ByteString bytes) => Convert.ToHexStringLower(bytes.Span);
}
