namespace Kubetrace.Otlp.Wire;

/// <summary>Bytes that are not a well-formed protobuf message of the expected type (answered with 400 / INVALID_ARGUMENT).</summary>
public sealed class ProtobufFormatException(string message, Exception? inner = null) : FormatException(message, inner);
