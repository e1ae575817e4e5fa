namespace Kubetrace.Query.Access;

/// <summary>A reader asked for something its grant does not cover (HTTP 403); the message says why, naming no data.</summary>
public sealed class AccessDeniedException(string message) : Exception(message);
