using Kubetrace.Otlp.Proto.Collector;
using Kubetrace.Storage;
using static Kubetrace.Tests.TestSupport.Spans;

namespace Kubetrace.Tests.Storage.Rollups;

/// <summary>
/// Traces ingested as a live system receives them, with the head cut often, so that traces are split between
/// consecutive blocks and the head: <see cref="Traces"/> traces 20 s apart; a trace's children arrive before its
/// root (which ends last and so is exported last); every 7th trace gets a span arriving nine traces later, every
/// 11th (from the 3rd) a span starting before its root (clock skew) arriving eight traces later. The head is cut
/// after every 7th trace; the last traces and late spans stay in the head.
/// </summary>
internal static class RollupTraffic
{
    public const int Traces = 60;
    public const long TraceGapMs = 20_000;

    public static StoreOptions Options(string directory, TimeProvider clock) => new()
    {
        Directory = directory, Clock = clock, RowGroupSpans = 4, CompactionTargetSpans = 0, Rollups = [Snapshot, Counts],
        RetentionInterval = TimeSpan.FromHours(1), CompactionInterval = TimeSpan.FromHours(1),
        RollupInterval = TimeSpan.FromHours(1), // tests build rollups themselves, after moving the clock
    };

    public static readonly SnapshotRollup Snapshot = new("test-snapshot-1", "k8s.namespace.name");
    public static readonly SpansPerServiceRollup Counts = new();

    /// <summary>A store for the traffic with both test rollups; <paramref name="tune"/> changes its options.</summary>
    public static TempStore NewStore(ManualClock clock, Func<StoreOptions, StoreOptions>? tune = null) =>
        new(dir =>
        {
            var options = Options(dir, clock);
            return tune?.Invoke(options) ?? options;
        });

    /// <summary>Loads the traffic, lets every block settle and builds every rollup.</summary>
    public static async Task<TempStore> RolledUpStoreAsync(ManualClock clock, Func<StoreOptions, StoreOptions>? tune = null)
    {
        var temp = NewStore(clock, tune);
        await LoadAsync(temp);
        SettleEveryBlock(clock);
        await temp.Store.BuildRollupsAsync(CancellationToken.None);
        return temp;
    }

    /// <summary>
    /// Moves the clock past the settle time of every block written so far. A block's written time is its file's
    /// modification time (real time, so that it survives restarts), so the clock goes on from the later of itself
    /// and the real now: loading the traffic may take longer than the settle time on a starved machine.
    /// </summary>
    public static void SettleEveryBlock(ManualClock clock) =>
        clock.Now = (clock.Now > DateTimeOffset.UtcNow ? clock.Now : DateTimeOffset.UtcNow) + TimeSpan.FromMinutes(1);

    /// <summary>The rollup sidecar files beside the blocks, by name.</summary>
    public static string[] Sidecars(TempStore temp) =>
        Directory.GetFiles(Path.Combine(temp.Directory, "blocks"), "*.rollup").Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray()!;

    /// <summary>From trace <paramref name="firstTrace"/>'s start to <paramref name="endTrace"/>'s (plus an offset).</summary>
    public static TimeRange Between(int firstTrace, int endTrace, long endOffsetMs = 0) =>
        new(StartOf(firstTrace), StartOf(endTrace) + endOffsetMs * 1_000_000);

    /// <summary>The start of trace <paramref name="trace"/>'s root span, in Unix nanoseconds.</summary>
    public static long StartOf(int trace) => (long)BaseTime + trace * TraceGapMs * 1_000_000;

    public static async Task LoadAsync(TempStore temp)
    {
        var late = new Dictionary<int, List<ExportTraceServiceRequest>>();
        for (var step = 0; step < Traces + 10; step++)
        {
            if (step < Traces) await temp.AppendAsync(Children(step));
            if (step is >= 1 and <= Traces) await temp.AppendAsync(Root(step - 1));
            if (step < Traces && step % 7 == 0) Later(late, step + 9, Request(Resource("audit", Span(step, 4, 1, "late", At(step, 300), 10))));
            if (step < Traces && step % 11 == 3) Later(late, step + 8, Request(Resource("kubelet", Span(step, 5, 1, "skewed", At(step, -100), 50))));
            foreach (var request in late.GetValueOrDefault(step) ?? []) await temp.AppendAsync(request);
            if (step % 7 == 6 && step < Traces - 4) await temp.Store.FlushHeadAsync();
        }
    }

    private static void Later(Dictionary<int, List<ExportTraceServiceRequest>> late, int step, ExportTraceServiceRequest request)
    {
        if (!late.TryGetValue(step, out var list)) late[step] = list = [];
        list.Add(request);
    }

    private static long At(int trace, long offsetMs) => trace * TraceGapMs + offsetMs;

    private static ExportTraceServiceRequest Root(int t) =>
        Request(Resource("apiserver", Span(t, 1, 0, "GET /api/v1/pods", At(t, 0), 500,
            ("k8s.namespace.name", $"team-{t % 3}"), ("http.method", t % 4 == 0 ? "POST" : "GET"))));

    private static ExportTraceServiceRequest Children(int t) => Request(
        Resource("etcd", Span(t, 2, 1, "etcdserverpb.KV/Range", At(t, 10), 100, ("k8s.namespace.name", $"team-{t % 3}"))),
        Resource("apiserver", Span(t, 3, 1, "Call mutating webhook", At(t, 50), 200)));
}
