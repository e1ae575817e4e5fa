using Kubetrace.Storage.Query;
using Kubetrace.Storage.Scan;

namespace Kubetrace.Analysis.Red;

/// <summary>Rate, errors and duration of one operation: a service's spans of one name and kind.</summary>
public sealed record RedRow(string Service, string Operation, string Kind, long Calls, double RatePerSecond, long Errors,
    double ErrorRate, long P50Nanos, long P95Nanos, long P99Nanos);

public sealed record RedResult(IReadOnlyList<RedRow> Operations, double Seconds, long Spans);

/// <summary>
/// <c>red</c>: rate, errors and duration percentiles per service and operation (span name + kind), over the spans
/// that start in the range. The rate divides by the part of the range that holds data (from the first span start
/// to the end of the range, or to the last span start when the range is open-ended), so an hour-long range over a
/// store that has ten minutes of data does not report a sixth of the real rate.
/// </summary>
public static class RedAnalysis
{
    public static AnalysisDefinition Definition { get; } = new("red",
        "Rate, errors and p50/p95/p99 duration per service and operation (span name + kind)", RunAsync)
    {
        Options = [new AnalysisParameter("service", "Only this service's operations", Required: false)],
    };

    public static async Task<AnalysisResult> RunAsync(AnalysisRequest request, CancellationToken cancellationToken)
    {
        var service = request.Get("service");
        var result = await ComputeAsync(request.Store, request.Range, service, cancellationToken).ConfigureAwait(false);
        var rows = result.Operations.Select(r => (IReadOnlyList<string>)
        [
            r.Service, r.Operation, r.Kind, AnalysisText.Count(r.Calls), AnalysisText.Number(r.RatePerSecond) + "/s",
            AnalysisText.Count(r.Errors), AnalysisText.Percent(r.ErrorRate), AnalysisText.Duration(r.P50Nanos),
            AnalysisText.Duration(r.P95Nanos), AnalysisText.Duration(r.P99Nanos),
        ]).ToList();
        var table = new AnalysisTable("Rate, errors, duration per operation (most errors first)",
            ["service", "operation", "kind", "calls", "rate", "errors", "error rate", "p50", "p95", "p99"], rows)
        {
            Notes = [$"{result.Spans} spans over {AnalysisText.Number(result.Seconds)} s"],
        };
        return new AnalysisResult(result, table);
    }

    public static async Task<RedResult> ComputeAsync(Storage.ITraceStore store, Storage.TimeRange range, string? service,
        CancellationToken cancellationToken)
    {
        var scan = new SpanScanRequest(range, []);
        if (service is not null) scan = scan with { Services = new HashSet<string>(StringComparer.Ordinal) { service } };
        var operations = new Dictionary<(string Service, string Name, int Kind), Operation>();
        long spans = 0, firstStart = long.MaxValue, lastStart = long.MinValue;
        await store.ScanAsync(scan, trace =>
        {
            foreach (var span in trace.Spans)
            {
                if (!range.Contains(span.StartUnixNano) || (service is not null && span.Service != service)) continue;
                spans++;
                firstStart = Math.Min(firstStart, span.StartUnixNano);
                lastStart = Math.Max(lastStart, span.StartUnixNano);
                var key = (span.Service, span.Name, (int)span.Kind);
                if (!operations.TryGetValue(key, out var operation)) operations[key] = operation = new Operation();
                operation.Add(span);
            }
        }, cancellationToken).ConfigureAwait(false);

        var end = range.EndUnixNano == long.MaxValue ? lastStart : range.EndUnixNano;
        var seconds = spans == 0 ? 0 : Math.Max(1.0, (end - firstStart) / 1e9);
        var rows = operations.Select(o => new RedRow(o.Key.Service, o.Key.Name, ConditionMatcher.KindName(o.Key.Kind),
                o.Value.Latency.Count, o.Value.Latency.Count / Math.Max(seconds, 1e-9), o.Value.Errors,
                (double)o.Value.Errors / o.Value.Latency.Count, o.Value.Latency.Percentile(0.5), o.Value.Latency.Percentile(0.95),
                o.Value.Latency.Percentile(0.99)))
            .OrderByDescending(r => r.Errors).ThenByDescending(r => r.P99Nanos)
            .ThenBy(r => r.Service, StringComparer.Ordinal).ThenBy(r => r.Operation, StringComparer.Ordinal).ToList();
        return new RedResult(rows, seconds, spans);
    }

    private sealed class Operation
    {
        public LatencySketch Latency { get; } = new();
        public long Errors { get; private set; }

        public void Add(ScannedSpan span)
        {
            Latency.Record(span.DurationNanos);
            if (span.IsError) Errors++;
        }
    }
}
