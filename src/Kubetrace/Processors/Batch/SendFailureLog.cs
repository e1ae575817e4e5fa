using Microsoft.Extensions.Logging;

namespace Kubetrace.Processors.Batch;

/// <summary>
/// Logs failures of the next consumer at most once per interval with the spans lost since the last line, so that
/// a dead downstream under load writes a few lines a minute rather than one per batch.
/// </summary>
/// <remarks>Used by the batch processor's single loop only: not synchronized. The interval runs on the processor's clock.</remarks>
internal sealed class SendFailureLog(ILogger logger, TimeProvider clock)
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);
    private long _lastLogged = long.MinValue;
    private long _unloggedSpans;
    private int _unloggedFailures;
    private Exception? _lastError;

    public void Record(int spans, Exception error)
    {
        _unloggedSpans += spans;
        _unloggedFailures++;
        _lastError = error;
        if (_lastLogged == long.MinValue || clock.GetElapsedTime(_lastLogged) >= Interval) Flush();
    }

    /// <summary>Writes what has not been logged yet (also called at shutdown).</summary>
    public void Flush()
    {
        if (_unloggedFailures == 0) return;
        logger.LogError(_lastError,
            "The next consumer failed {Failures} batch(es); {Spans} span(s) were dropped after being accepted. Last error: {Error}",
            _unloggedFailures, _unloggedSpans, _lastError?.Message);
        _lastLogged = clock.GetTimestamp();
        _unloggedSpans = 0;
        _unloggedFailures = 0;
        _lastError = null;
    }
}
