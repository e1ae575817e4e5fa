using Kubetrace.Analysis.Rollups;
using Kubetrace.Analysis.Sampling;
using Kubetrace.Storage;
using Kubetrace.Storage.Encoding;
using Kubetrace.Storage.Query;
using Kubetrace.Storage.Scan;

namespace Kubetrace.Analysis.Red;

/// <summary>
/// What <c>red</c> adds up, per service and operation (span name + kind) over the spans that start in the range:
/// calls, errors, latency (long-running requests counted apart: <see cref="LongRunningRequests"/>), first and last start. Kept for every service, so that <c>--service</c> is applied
/// when reporting and a per-block rollup (over all services) answers it too.
/// </summary>
public sealed class RedState(TimeRange range, string? service = null) : IRollupState<RedState>
{
    private readonly Dictionary<(string Service, string Name, int Kind), Operation> _operations = [];
    private readonly TraceSampling _sampling = new();
    // What the answer rests on: over every service, and per service for --service.
    private readonly SampleTally _all = new();
    private readonly Dictionary<string, SampleTally> _byService = new(StringComparer.Ordinal);

    /// <summary>The per-block aggregate (<c>red-5</c>: <c>red-4</c> left only watches out of the latency, not the other
    /// long-running requests, and read no client span's method; <c>red-3</c> counted watches in the latency,
    /// <c>red-2</c> had no example traces, <c>red-1</c> no sample tallies).</summary>
    internal static StateRollup<RedState> Rollup { get; } = new("red-5", () => new RedState(TimeRange.All));

    /// <summary>Every trace of the range, with the request URIs and methods that tell long-running requests apart; only those touching
    /// <c>service</c> when one is given (its spans are all there).</summary>
    public SpanScanRequest ScanRequest => service is null
        ? new SpanScanRequest(range, LongRunningRequests.Keys)
        : new SpanScanRequest(range, LongRunningRequests.Keys) { Services = new HashSet<string>(StringComparer.Ordinal) { service } };

    public void Add(ScannedTrace trace)
    {
        _sampling.Begin(trace);
        foreach (var span in trace.Spans)
        {
            if (!range.Contains(span.StartUnixNano) || (service is not null && span.Service != service)) continue;
            var operation = OperationOf((span.Service, span.Name, (int)span.Kind));
            operation.Calls.Record(span.DurationNanos, span.IsError, _sampling, span, LongRunningRequests.IsLongRunning(span, 0));
            _all.Record(_sampling, span, span.IsError);
            ServiceTally(span.Service).Record(_sampling, span, span.IsError);
            operation.FirstStart = Math.Min(operation.FirstStart, span.StartUnixNano);
            operation.LastStart = Math.Max(operation.LastStart, span.StartUnixNano);
        }
    }

    public void Merge(RedState other)
    {
        _all.Merge(other._all);
        foreach (var (name, tally) in other._byService) ServiceTally(name).Merge(tally);
        foreach (var (key, theirs) in other._operations)
        {
            var operation = OperationOf(key);
            operation.Calls.Merge(theirs.Calls);
            operation.FirstStart = Math.Min(operation.FirstStart, theirs.FirstStart);
            operation.LastStart = Math.Max(operation.LastStart, theirs.LastStart);
        }
    }

    /// <summary>
    /// The rows of <paramref name="onlyService"/> (all when null), most errors first. The rate divides by the part
    /// of <paramref name="reportRange"/> that holds data: from the first span start to the end of the range, or to
    /// the last span start when the range is open-ended.
    /// </summary>
    public RedResult Result(TimeRange reportRange, string? onlyService, RowSamples? samples = null)
    {
        samples ??= new RowSamples(SamplingRates.Unknown);
        var operations = _operations.Where(o => onlyService is null || o.Key.Service == onlyService).ToList();
        long spans = 0, firstStart = long.MaxValue, lastStart = long.MinValue;
        foreach (var (_, operation) in operations)
        {
            spans += operation.Calls.Calls;
            firstStart = Math.Min(firstStart, operation.FirstStart);
            lastStart = Math.Max(lastStart, operation.LastStart);
        }
        var end = reportRange.EndUnixNano == long.MaxValue ? lastStart : reportRange.EndUnixNano;
        var seconds = spans == 0 ? 0 : Math.Max(1.0, (end - firstStart) / 1e9);
        var rows = operations.Select(o =>
            {
                var (calls, latency) = (o.Value.Calls, o.Value.Calls.Latency);
                return new RedRow(o.Key.Service, o.Key.Name, ConditionMatcher.KindName(o.Key.Kind), calls.Calls,
                    calls.Calls / Math.Max(seconds, 1e-9), calls.Errors, calls.ErrorRate,
                    latency.Percentile(0.5), latency.Percentile(0.95), latency.Percentile(0.99))
                {
                    Watches = calls.Watches, Sample = samples.Of(calls, seconds), Examples = calls.ExamplesReport(),
                };
            })
            .OrderByDescending(r => r.Errors).ThenByDescending(r => r.P99Nanos)
            .ThenBy(r => r.Service, StringComparer.Ordinal).ThenBy(r => r.Operation, StringComparer.Ordinal)
            .ThenBy(r => r.Kind, StringComparer.Ordinal).ToList();
        var total = onlyService is null ? _all : _byService.GetValueOrDefault(onlyService) ?? new SampleTally();
        return new RedResult(rows, seconds, spans) { Sampling = SamplingSummary.Of("spans", samples.Of(total), rows.Select(r => r.Sample).ToList()) };
    }

    void IRollupState<RedState>.WriteTo(ByteWriter writer)
    {
        _all.WriteTo(writer);
        writer.WriteEach(_byService, tally =>
        {
            writer.WriteString(tally.Key);
            tally.Value.WriteTo(writer);
        });
        writer.WriteEach(_operations, operation =>
        {
            writer.WriteString(operation.Key.Service);
            writer.WriteString(operation.Key.Name);
            writer.WriteVarint(operation.Key.Kind);
            writer.WriteSigned(operation.Value.FirstStart);
            writer.WriteSigned(operation.Value.LastStart);
            operation.Value.Calls.WriteTo(writer);
            operation.Value.Calls.WriteWatchesTo(writer);
        });
    }

    static RedState IRollupState<RedState>.ReadFrom(ByteReader reader)
    {
        var state = new RedState(TimeRange.All);
        state._all.MergeFrom(reader);
        reader.ReadEach(() => state.ServiceTally(reader.ReadString()).MergeFrom(reader));
        reader.ReadEach(() =>
        {
            var operation = state.OperationOf((reader.ReadString(), reader.ReadString(), reader.ReadInt()));
            operation.FirstStart = Math.Min(operation.FirstStart, reader.ReadSigned());
            operation.LastStart = Math.Max(operation.LastStart, reader.ReadSigned());
            operation.Calls.MergeFrom(reader);
            operation.Calls.MergeWatchesFrom(reader);
        });
        return state;
    }

    private SampleTally ServiceTally(string name)
    {
        // Spans come in runs of one service (one resource each), with the scan's one string per service.
        if (ReferenceEquals(name, _lastService)) return _lastServiceTally!;
        if (!_byService.TryGetValue(name, out var tally)) _byService.Add(name, tally = new SampleTally());
        (_lastService, _lastServiceTally) = (name, tally);
        return tally;
    }

    private string? _lastService;
    private SampleTally? _lastServiceTally;

    private Operation OperationOf((string Service, string Name, int Kind) key)
    {
        if (!_operations.TryGetValue(key, out var operation)) _operations.Add(key, operation = new Operation());
        return operation;
    }

    private sealed class Operation
    {
        public readonly CallStats Calls = new();
        public long FirstStart = long.MaxValue;
        public long LastStart = long.MinValue;
    }
}
