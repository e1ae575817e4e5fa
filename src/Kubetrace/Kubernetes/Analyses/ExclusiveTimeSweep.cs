namespace Kubetrace.Kubernetes.Analyses;

/// <summary>
/// Splits a request's wall-clock time among the phases of its spans without double counting: every instant of
/// the request belongs to the deepest spans running at that instant (running spans with no running descendant),
/// shared equally when several run concurrently (parallel validating webhooks), and goes to their phases.
/// </summary>
/// <remarks>
/// Without concurrency this is each span's exclusive (self) time: a storage span gets only the time its etcd
/// client span does not cover. It also holds for apiserver filter spans, which end before the handler spans
/// nested under them start (filterlatency ends its span when the next filter begins): an instant after a filter
/// ended belongs to the deepest span still running. The phases' times always add up to the request's duration.
/// </remarks>
public sealed class ExclusiveTimeSweep
{
    private (long Time, int Node, bool Start)[] _events = new (long, int, bool)[64];
    private int[] _runningBelow = new int[32];
    private bool[] _running = new bool[32];
    private int[] _leavesInPhase = new int[16];

    /// <summary>
    /// Adds each phase's share of [<paramref name="start"/>[0], <paramref name="end"/>[0]) to <paramref name="phaseTime"/>.
    /// Node 0 is the request's root span; every other node's parent comes before it (<paramref name="parent"/>).
    /// Intervals must already lie within the root's.
    /// </summary>
    public void Attribute(int nodes, ReadOnlySpan<int> parent, ReadOnlySpan<long> start, ReadOnlySpan<long> end,
        ReadOnlySpan<int> phase, double[] phaseTime)
    {
        if (nodes == 0) return;
        EnsureCapacity(nodes, phaseTime.Length);
        var count = 0;
        for (var i = 0; i < nodes; i++)
        {
            _running[i] = false;
            _runningBelow[i] = 0;
            if (end[i] <= start[i]) continue; // takes no time
            _events[count++] = (start[i], i, true);
            _events[count++] = (end[i], i, false);
        }
        Array.Sort(_events, 0, count, EventOrder.Instance);
        Array.Clear(_leavesInPhase, 0, phaseTime.Length);
        var leaves = 0;
        var previous = count > 0 ? _events[0].Time : 0;
        for (var e = 0; e < count; e++)
        {
            var (time, node, isStart) = _events[e];
            if (time > previous && leaves > 0)
            {
                var share = (double)(time - previous) / leaves;
                for (var p = 0; p < phaseTime.Length; p++)
                    if (_leavesInPhase[p] > 0) phaseTime[p] += share * _leavesInPhase[p];
            }
            previous = time;
            if (isStart)
            {
                for (var a = parent[node]; a >= 0; a = parent[a])
                {
                    if (_running[a] && _runningBelow[a] == 0) { _leavesInPhase[phase[a]]--; leaves--; }
                    _runningBelow[a]++;
                }
                _running[node] = true;
                if (_runningBelow[node] == 0) { _leavesInPhase[phase[node]]++; leaves++; }
            }
            else
            {
                _running[node] = false;
                if (_runningBelow[node] == 0) { _leavesInPhase[phase[node]]--; leaves--; }
                for (var a = parent[node]; a >= 0; a = parent[a])
                {
                    _runningBelow[a]--;
                    if (_running[a] && _runningBelow[a] == 0) { _leavesInPhase[phase[a]]++; leaves++; }
                }
            }
        }
    }

    private void EnsureCapacity(int nodes, int phases)
    {
        if (_running.Length < nodes)
        {
            var size = Math.Max(nodes, _running.Length * 2);
            _running = new bool[size];
            _runningBelow = new int[size];
            _events = new (long, int, bool)[size * 2];
        }
        if (_leavesInPhase.Length < phases) _leavesInPhase = new int[Math.Max(phases, _leavesInPhase.Length * 2)];
    }

    /// <summary>By time; at the same instant ends before starts, so back-to-back spans never look concurrent.</summary>
    private sealed class EventOrder : IComparer<(long Time, int Node, bool Start)>
    {
        public static readonly EventOrder Instance = new();

        public int Compare((long Time, int Node, bool Start) x, (long Time, int Node, bool Start) y) =>
            x.Time != y.Time ? x.Time.CompareTo(y.Time) : x.Start.CompareTo(y.Start);
    }
}
