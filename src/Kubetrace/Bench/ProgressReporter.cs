using System.Diagnostics;

namespace Kubetrace.Bench;

/// <summary>Writes a line per second with the spans/s of the last second, so a long run shows it is alive.</summary>
internal sealed class ProgressReporter : IDisposable
{
    private readonly TextWriter _output;
    private readonly Func<long> _completedSpans;
    private readonly Timer _timer;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private long _lastSpans;
    private double _lastSeconds;
    private volatile string _phase = "";

    public ProgressReporter(TextWriter output, Func<long> completedSpans)
    {
        _output = output;
        _completedSpans = completedSpans;
        _timer = new Timer(_ => Report(), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
    }

    public void SetPhase(string phase) => _phase = phase;

    public void Dispose() => _timer.Dispose();

    private void Report()
    {
        var spans = _completedSpans();
        var seconds = _clock.Elapsed.TotalSeconds;
        var rate = (spans - _lastSpans) / Math.Max(seconds - _lastSeconds, 0.001);
        _lastSpans = spans;
        _lastSeconds = seconds;
        _output.WriteLine($"{seconds,5:F0}s  {_phase,-8} {rate,12:N0} spans/s");
    }
}
