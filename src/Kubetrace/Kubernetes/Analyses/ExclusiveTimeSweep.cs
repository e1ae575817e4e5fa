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
    // Events sorted as plain longs (time × 2, +1 for a start) with the node alongside: the runtime's fastest sort.
    private long[] _eventKeys = new long[64];
    private int[] _eventNodes = new int[64];
    private int[] _runningBelow = new int[32];
    private bool[] _running = new bool[32];
    private int[] _leavesInPhase = new int[16];
    private double[] _settledAt = new double[16];

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
            _eventKeys[count] = start[i] * 2 + 1;
            _eventNodes[count++] = i;
            _eventKeys[count] = end[i] * 2;
            _eventNodes[count++] = i;
        }
        Array.Sort(_eventKeys, _eventNodes, 0, count); // at the same instant ends (even) before starts (odd)
        Array.Clear(_leavesInPhase, 0, phaseTime.Length);
        Array.Clear(_settledAt, 0, phaseTime.Length);
        // shareSoFar: the time one leaf has been owed since the first event (each instant split among the leaves
        // running then). A phase is owed its leaf count times the growth of shareSoFar while that count held, so
        // it is settled only when its count changes, not at every event: the work per event follows the depth of
        // the span that starts or ends, not the number of phases (webhooks each add one).
        var shareSoFar = 0.0;
        var leaves = 0;
        var previous = count > 0 ? _eventKeys[0] >> 1 : 0;
        for (var e = 0; e < count; e++)
        {
            var time = _eventKeys[e] >> 1;
            var node = _eventNodes[e];
            var isStart = (_eventKeys[e] & 1) == 1;
            if (time > previous && leaves > 0) shareSoFar += (double)(time - previous) / leaves;
            previous = time;
            if (isStart)
            {
                for (var a = parent[node]; a >= 0; a = parent[a])
                {
                    if (_running[a] && _runningBelow[a] == 0) { Change(phase[a], -1, shareSoFar, phaseTime); leaves--; }
                    _runningBelow[a]++;
                }
                _running[node] = true;
                if (_runningBelow[node] == 0) { Change(phase[node], +1, shareSoFar, phaseTime); leaves++; }
            }
            else
            {
                _running[node] = false;
                if (_runningBelow[node] == 0) { Change(phase[node], -1, shareSoFar, phaseTime); leaves--; }
                for (var a = parent[node]; a >= 0; a = parent[a])
                {
                    _runningBelow[a]--;
                    if (_running[a] && _runningBelow[a] == 0) { Change(phase[a], +1, shareSoFar, phaseTime); leaves++; }
                }
            }
        }
    }

    /// <summary>Pays <paramref name="phase"/> what its leaves were owed up to now, then changes their count.</summary>
    private void Change(int phase, int by, double shareSoFar, double[] phaseTime)
    {
        phaseTime[phase] += _leavesInPhase[phase] * (shareSoFar - _settledAt[phase]);
        _settledAt[phase] = shareSoFar;
        _leavesInPhase[phase] += by;
    }

    private void EnsureCapacity(int nodes, int phases)
    {
        if (_running.Length < nodes)
        {
            var size = Math.Max(nodes, _running.Length * 2);
            _running = new bool[size];
            _runningBelow = new int[size];
            _eventKeys = new long[size * 2];
            _eventNodes = new int[size * 2];
        }
        if (_leavesInPhase.Length >= phases) return;
        _leavesInPhase = new int[Math.Max(phases, _leavesInPhase.Length * 2)];
        _settledAt = new double[_leavesInPhase.Length];
    }
}
