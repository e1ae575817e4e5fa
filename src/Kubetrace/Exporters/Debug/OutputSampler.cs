namespace Kubetrace.Exporters.Debug;

/// <summary>
/// The Collector's log sampling for the debug exporter: in each one-second window the first <c>initial</c>
/// outputs pass, then every <c>thereafter</c>-th. Keeps a flood of data from drowning the console.
/// </summary>
internal sealed class OutputSampler(int initial, int thereafter, TimeProvider time)
{
    private readonly object _gate = new();
    private long _windowStart;
    private long _count;
    private bool _started;

    public bool ShouldPrint()
    {
        var now = time.GetTimestamp();
        lock (_gate)
        {
            if (!_started || now - _windowStart >= time.TimestampFrequency)
            {
                _started = true;
                _windowStart = now;
                _count = 0;
            }
            var n = ++_count;
            return n <= initial || (n - initial) % thereafter == 0;
        }
    }
}
