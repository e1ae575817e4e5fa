namespace Kubetrace.Api;

/// <summary>A request the API cannot run: answered 400 with the message, in the API's own error format.</summary>
public sealed class BadQueryException(string message) : Exception(message);
