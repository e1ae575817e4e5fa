using Microsoft.Extensions.Logging;

namespace Kubetrace.Hosting;

/// <summary>
/// Passes the framework's own logs (categories <c>Microsoft.*</c> and <c>Grpc.*</c>) through at Warning and above
/// only: ASP.NET Core logs every request at Information, which on the ingest hot path would be a log line per
/// export call, and ASP.NET Core gRPC logs each status it sends for a refused call at Information with the stack
/// trace of the exception that carried it. A client that went away mid-request (a reset HTTP/2 stream, an aborted
/// connection: an exporter's deadline passed, a client under overload gave up) is its business, not a server error:
/// the framework logs it as a failed call with a stack trace per request, here one Debug line without the trace.
/// </summary>
internal sealed class QuietFrameworkLoggerFactory(ILoggerFactory inner) : ILoggerFactory
{
    public ILogger CreateLogger(string categoryName)
    {
        var logger = inner.CreateLogger(categoryName);
        return categoryName.StartsWith("Microsoft.", StringComparison.Ordinal) || categoryName.StartsWith("Grpc.", StringComparison.Ordinal) ? new MinimumLevelLogger(logger, LogLevel.Warning) : logger;
    }

    public void AddProvider(ILoggerProvider provider) => inner.AddProvider(provider);

    /// <summary>The factory belongs to the service; the web host must not dispose it.</summary>
    public void Dispose()
    {
    }

    private sealed class MinimumLevelLogger(ILogger inner, LogLevel minimum) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => inner.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => logLevel >= minimum && inner.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (exception is IOException or OperationCanceledException && logLevel >= LogLevel.Warning)
            {
                if (inner.IsEnabled(LogLevel.Debug))
                    inner.Log(LogLevel.Debug, eventId, $"{formatter(state, exception)} (a connection error, most often a client that went away: {exception.Message})");
                return;
            }
            if (IsEnabled(logLevel)) inner.Log(logLevel, eventId, state, exception, formatter);
        }
    }
}
