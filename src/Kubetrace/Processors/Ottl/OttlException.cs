namespace Kubetrace.Processors.Ottl;

/// <summary>A statement or condition outside the supported OTTL subset, or malformed; the message names the part.</summary>
public sealed class OttlException(string message) : Exception(message);
