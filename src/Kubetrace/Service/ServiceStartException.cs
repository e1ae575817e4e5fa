namespace Kubetrace.Service;

/// <summary>The service could not be built or started; the message names the component and the reason.</summary>
public sealed class ServiceStartException(string message, Exception? inner = null) : Exception(message, inner);
