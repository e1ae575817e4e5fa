using Kubetrace.Storage.Scan;

namespace Kubetrace.Storage.Rollups;

/// <summary>
/// One build reads every span once with the union of the rollups' attribute keys; each rollup expects the values
/// of its own keys by position. This hands a rollup the trace as is when its keys are the union, else a copy whose
/// values are in the rollup's order (spans pooled, reused from trace to trace like the scan's).
/// </summary>
internal sealed class RollupProjection
{
    private readonly int[] _slots;
    private readonly bool _identity;
    private readonly ScannedTrace _trace = new();
    private readonly List<ScannedSpan> _pool = [];

    public RollupProjection(IReadOnlyList<string> rollupKeys, IReadOnlyList<string> unionKeys)
    {
        _slots = rollupKeys.Select(key => IndexOf(unionKeys, key)).ToArray();
        _identity = _slots.Length == unionKeys.Count && _slots.Select((slot, i) => slot == i).All(same => same);
    }

    /// <summary>The union of the keys, in first-seen order.</summary>
    public static List<string> Union(IEnumerable<IRollup> rollups) => rollups.SelectMany(r => r.AttributeKeys).Distinct(StringComparer.Ordinal).ToList();

    public ScannedTrace Project(ScannedTrace trace)
    {
        if (_identity) return trace;
        _trace.TraceId = trace.TraceId;
        _trace.Spans.Clear();
        for (var i = 0; i < trace.Spans.Count; i++)
        {
            if (i == _pool.Count) _pool.Add(new ScannedSpan { Values = new string?[_slots.Length] });
            var from = trace.Spans[i];
            var to = _pool[i];
            to.SpanId = from.SpanId;
            to.ParentSpanId = from.ParentSpanId;
            to.Service = from.Service;
            to.Name = from.Name;
            to.Kind = from.Kind;
            to.StartUnixNano = from.StartUnixNano;
            to.EndUnixNano = from.EndUnixNano;
            to.StatusCode = from.StatusCode;
            to.StatusMessage = from.StatusMessage;
            to.Links = from.Links;
            to.TraceState = from.TraceState;
            for (var slot = 0; slot < _slots.Length; slot++) to.Values[slot] = from.Values[_slots[slot]];
            _trace.Spans.Add(to);
        }
        return _trace;
    }

    private static int IndexOf(IReadOnlyList<string> keys, string key)
    {
        for (var i = 0; i < keys.Count; i++)
            if (keys[i] == key) return i;
        throw new ArgumentException($"key {key} is not in the union");
    }
}
