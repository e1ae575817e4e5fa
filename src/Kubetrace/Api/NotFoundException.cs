namespace Kubetrace.Api;

/// <summary>
/// A request about something the store does not hold (a trace ID, an object no span names): answered 404 with the
/// message, in the API's own error format. Not a mistake in the request, so not a <see cref="BadQueryException"/>.
/// </summary>
public sealed class NotFoundException(string message) : Exception(message);
