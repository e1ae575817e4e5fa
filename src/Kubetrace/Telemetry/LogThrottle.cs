namespace Kubetrace.Telemetry;

/// <summary>
/// Lets one report of a repeating failure through per interval and counts the ones it held back, so that an
/// episode (a full disk refusing every write) writes a line every interval with a count, not a line per request.
/// </summary>
internal sealed class LogThrottle(TimeSpan interval, TimeProvider clock)
{
    private readonly Lock _gate = new();
    private long _next = long.MinValue;
    private int _held;

    /// <summary>True when this occurrence should be logged; <paramref name="held"/> is how many were not since the last one.</summary>
    public bool TryReport(out int held)
    {
        var now = clock.GetTimestamp();
        lock (_gate)
        {
            if (_next != long.MinValue && now < _next)
            {
                _held++;
                held = 0;
                return false;
            }
            held = _held;
            _held = 0;
            _next = now + (long)(interval.TotalSeconds * clock.TimestampFrequency);
            return true;
        }
    }
}
