namespace Kubetrace.Otlp.Wire;

/// <summary>One field of a protobuf message, located in its encoding (offsets relative to the message).</summary>
internal readonly record struct WireField(int Number, WireType Type, int Start, int ValueStart, int End)
{
    public bool IsLengthDelimited => Type == WireType.LengthDelimited;
}
