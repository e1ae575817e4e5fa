using Kubetrace.Storage;
using Kubetrace.Storage.Scan;

namespace Kubetrace.Analysis.Red;

/// <summary>
/// RED over time, as a dashboard asks for it (Jaeger's Monitor tab): points every <see cref="StepNanos"/> from
/// <c>End - Lookback</c> to <c>End</c>, each over the trailing window (t - RatePer, t] rounded up to whole steps,
/// per service (and per operation when <see cref="ByOperation"/>), over spans of the given services and kinds
/// that start in the window.
/// </summary>
public sealed record RedTimelineRequest(IReadOnlySet<string> Services, IReadOnlySet<Otlp.Proto.Trace.Span.Types.SpanKind> Kinds,
    bool ByOperation, long EndUnixNano, long LookbackNanos, long StepNanos, long RatePerNanos)
{
    /// <summary>Points per series.</summary>
    public long Points => LookbackNanos / StepNanos + 1;

    /// <summary>Steps per window: the rate window rounded up to whole steps (at least one).</summary>
    public long WindowSteps => Math.Max(1, (RatePerNanos + StepNanos - 1) / StepNanos);

    public long FirstPoint => EndUnixNano - LookbackNanos;
}

/// <summary>One point of a <see cref="RedTimeline"/>: the calls of its window; <see cref="Watches"/> of them are
/// watch streams, counted in the calls and errors but not in <see cref="Latency"/> (<see cref="LongRunningRequests"/>).</summary>
public readonly record struct RedWindow(long TimeUnixNano, long Calls, long Errors, double Seconds, Func<LatencySketch> Latency, long Watches = 0)
{
    /// <summary>Calls with a latency: those <see cref="Latency"/> holds.</summary>
    public long Timed => Calls - Watches;
}

/// <summary>
/// Computes <see cref="RedTimelineRequest"/> in one scan: each span counts in the step it starts in (a calls and
/// errors count and a <see cref="LatencySketch"/> of the calls that are not watch streams, the measures of
/// <see cref="RedState"/>), and each point adds up
/// the steps of its window. The per-block <c>red</c> rollups cannot serve it: they hold a block's totals without
/// time, and a point needs its window's calls alone.
/// </summary>
public sealed class RedTimeline
{
    private readonly RedTimelineRequest _request;
    private readonly long _scanStart;
    private readonly int _steps;
    private readonly Dictionary<(string Service, string? Operation), Step?[]> _series = [];

    private RedTimeline(RedTimelineRequest request)
    {
        _request = request;
        _steps = (int)(request.Points + request.WindowSteps - 1);
        _scanStart = request.FirstPoint - request.WindowSteps * request.StepNanos;
    }

    /// <summary>The time the scan reads: (first window's start, last point].</summary>
    public static TimeRange ScanRange(RedTimelineRequest request) =>
        new(Math.Max(0, request.FirstPoint - request.WindowSteps * request.StepNanos + 1), request.FirstPoint + (request.Points - 1) * request.StepNanos + 1);

    public static async Task<RedTimeline> ComputeAsync(ITraceStore store, RedTimelineRequest request, CancellationToken cancellationToken)
    {
        var timeline = new RedTimeline(request);
        var scan = new SpanScanRequest(ScanRange(request), LongRunningRequests.Keys) { Services = request.Services };
        await store.ScanAsync(scan, timeline.Add, cancellationToken).ConfigureAwait(false);
        return timeline;
    }

    private void Add(ScannedTrace trace)
    {
        foreach (var span in trace.Spans)
        {
            if (!_request.Services.Contains(span.Service) || !_request.Kinds.Contains(span.Kind)) continue;
            var offset = span.StartUnixNano - _scanStart;
            if (offset <= 0) continue;
            var index = (offset - 1) / _request.StepNanos;
            if (index >= _steps) continue;
            var key = (span.Service, _request.ByOperation ? span.Name : null);
            if (!_series.TryGetValue(key, out var steps)) _series.Add(key, steps = new Step?[_steps]);
            var step = steps[index] ??= new Step();
            if (LongRunningRequests.IsLongRunning(span, 0)) step.Watches++;
            else step.Latency.Record(span.DurationNanos);
            if (span.IsError) step.Errors++;
        }
    }

    /// <summary>Every series that has a call anywhere in the scanned time, by service then operation.</summary>
    public IEnumerable<(string Service, string? Operation, IEnumerable<RedWindow> Points)> Series() =>
        _series.OrderBy(s => s.Key.Service, StringComparer.Ordinal).ThenBy(s => s.Key.Operation, StringComparer.Ordinal)
            .Select(s => (s.Key.Service, s.Key.Operation, Points(s.Value)));

    private IEnumerable<RedWindow> Points(Step?[] steps)
    {
        var window = (int)_request.WindowSteps;
        var seconds = window * _request.StepNanos / 1e9;
        // Running sums over the window: each point adds the step entering it and drops the one leaving.
        long calls = 0, errors = 0, watches = 0;
        for (var i = 0; i < window - 1; i++) (calls, errors, watches) = (calls + (steps[i]?.Calls ?? 0), errors + (steps[i]?.Errors ?? 0), watches + (steps[i]?.Watches ?? 0));
        for (var point = 0; point < _request.Points; point++)
        {
            var entering = steps[point + window - 1];
            calls += entering?.Calls ?? 0;
            errors += entering?.Errors ?? 0;
            watches += entering?.Watches ?? 0;
            var first = point;
            yield return new RedWindow(_request.FirstPoint + point * _request.StepNanos, calls, errors, seconds, () => Merge(steps, first, window), watches);
            var leaving = steps[point];
            calls -= leaving?.Calls ?? 0;
            errors -= leaving?.Errors ?? 0;
            watches -= leaving?.Watches ?? 0;
        }
    }

    private static LatencySketch Merge(Step?[] steps, int first, int count)
    {
        var merged = new LatencySketch();
        for (var i = first; i < first + count; i++)
            if (steps[i] is { } step) merged.Merge(step.Latency);
        return merged;
    }

    private sealed class Step
    {
        public readonly LatencySketch Latency = new();
        public long Errors;
        public long Watches;

        public long Calls => Latency.Count + Watches;
    }
}
