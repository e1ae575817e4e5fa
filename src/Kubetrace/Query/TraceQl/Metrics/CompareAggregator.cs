namespace Kubetrace.Query.TraceQl.Metrics;

/// <summary>
/// <c>compare({selection}, topN, start, end)</c> as Tempo runs it (pkg/traceql/engine_metrics_compare.go): every
/// span the query's pipeline returns is in the selection when the filter matches it (and, given start and end,
/// it starts in (start, end]) and in the baseline otherwise. Per side, each attribute value the span carries
/// counts once per interval: series <c>{__meta_type="baseline"|"selection", attr=value}</c> for the topN values
/// of each attribute by their sum over the range, and <c>{__meta_type="baseline_total"|"selection_total",
/// attr="nil"}</c> with the spans that carry the attribute at all. The attributes are those Tempo's select-all
/// fetch reads: span, resource and instrumentation attributes, <c>name</c>, <c>status</c>, <c>statusMessage</c>,
/// <c>kind</c>, <c>rootServiceName</c>, <c>rootName</c>, <c>instrumentation:name</c> and <c>:version</c>
/// (not ids, times, durations or nested-set numbers, whose values are all distinct; not event or link
/// attributes, which Tempo reads only when the query names them). Exemplars go to the total series of every
/// attribute of their span, as in Tempo.
/// Memory: distinct values times steps are bounded (<see cref="MetricsRequest.CompareCells"/>). Real control-plane traffic carries
/// attributes with a value per request (audit IDs, UIDs, URLs), so reaching the bound is normal, not an error:
/// the attribute with the most values is cut to its topN so far and counts no new values (its totals stay
/// exact) — as Tempo, whose jobs each keep only their topN values of an attribute before the results are merged.
/// </summary>
internal sealed class CompareAggregator : IFirstStage
{
    private const string MetaType = "__meta_type";
    private readonly MetricsAggregate _compare;
    private readonly MetricsRequest _request;
    private readonly ExpressionShape _shape;
    private readonly ExemplarBuckets? _exemplarBuckets;
    private readonly Side _baseline = new("baseline"), _selection = new("selection");
    private int _values;
    private readonly Dictionary<string, string> _spanNames = new(StringComparer.Ordinal), _resourceNames = new(StringComparer.Ordinal),
        _instrumentationNames = new(StringComparer.Ordinal);

    public CompareAggregator(MetricsAggregate compare, MetricsRequest request, ExemplarSampler sampler)
    {
        _compare = compare;
        _request = request;
        _shape = ExpressionShape.Of(compare.CompareFilter!.Expression);
        _exemplarBuckets = sampler.Enabled ? sampler.NewBuckets() : null;
    }

    private sealed class Side(string name)
    {
        public string Name { get; } = name;
        public Dictionary<string, Dictionary<(StaticType, long, double, string?), (Static Value, double[] Counts)>> Values { get; } = new(StringComparer.Ordinal);
        public Dictionary<string, double[]> Totals { get; } = new(StringComparer.Ordinal);
        /// <summary>Attributes cut to their topN to bound memory: their kept values count on, new ones are not kept.</summary>
        public HashSet<string> Closed { get; } = new(StringComparer.Ordinal);
        public List<(Exemplar Exemplar, List<string> Attributes)> Exemplars { get; } = [];
    }

    public void Add(SpanRecord span, bool exemplar)
    {
        var interval = _request.Interval(span.StartUnixNano);
        if (interval < 0) return;
        var side = IsSelection(span) ? _selection : _baseline;
        var names = exemplar && _exemplarBuckets!.TryTake(span.StartUnixNano / 1_000_000) ? new List<string>() : null;
        if (names is not null) side.Exemplars.Add((Exemplar.Of(span, interval, double.NaN), names));
        var scope = span.Scope.Scope;
        if (span.Trace.HasRoot)
        {
            Count(side, "rootServiceName", Static.String(span.Trace.RootService), interval, names);
            Count(side, "rootName", Static.String(span.Trace.RootName), interval, names);
        }
        foreach (var a in span.Resource.Resource?.Attributes ?? [])
            Count(side, Scoped(_resourceNames, "resource.", a.Key), Evaluator.FromAnyValue(a.Value), interval, names);
        if (scope is not null)
        {
            Count(side, "instrumentation:name", Static.String(scope.Name), interval, names);
            Count(side, "instrumentation:version", Static.String(scope.Version), interval, names);
            foreach (var a in scope.Attributes)
                Count(side, Scoped(_instrumentationNames, "instrumentation.", a.Key), Evaluator.FromAnyValue(a.Value), interval, names);
        }
        foreach (var a in span.Span.Attributes)
            Count(side, Scoped(_spanNames, "span.", a.Key), Evaluator.FromAnyValue(a.Value), interval, names);
        Count(side, "name", Static.String(span.Span.Name), interval, names);
        Count(side, "status", Static.Status(Evaluator.StatusOf(span.Span)), interval, names);
        Count(side, "statusMessage", Static.String(span.Span.Status?.Message ?? ""), interval, names);
        Count(side, "kind", Static.Kind((int)span.Span.Kind), interval, names);
    }

    /// <summary>The attribute's scoped name, made once per key rather than once per span.</summary>
    private static string Scoped(Dictionary<string, string> names, string prefix, string key)
    {
        if (!names.TryGetValue(key, out var name)) names[key] = name = prefix + key;
        return name;
    }

    private bool IsSelection(SpanRecord span)
    {
        if (_compare.CompareStart > 0 && _compare.CompareEnd > 0 &&
            (span.StartUnixNano <= _compare.CompareStart || span.StartUnixNano > _compare.CompareEnd))
            return false;
        return Evaluator.Matches(_compare.CompareFilter!.Expression, span, _shape);
    }

    private void Count(Side side, string attribute, Static value, int interval, List<string>? exemplarAttributes)
    {
        if (value.IsNil || value.Type == StaticType.Duration) return;
        if (!side.Values.TryGetValue(attribute, out var values))
        {
            side.Values[attribute] = values = [];
            side.Totals[attribute] = new double[_request.IntervalCount];
        }
        side.Totals[attribute][interval]++;
        exemplarAttributes?.Add(attribute);
        var key = value.GroupKey;
        if (!values.TryGetValue(key, out var entry))
        {
            if (side.Closed.Contains(attribute)) return;
            // Every distinct value is kept to the end (topN ranks by the sum over the range): bound the memory.
            if (_values + 1 > _request.CompareCells / _request.IntervalCount && !CloseLargestAttribute())
                throw new TraceQlException(TraceQlErrorKind.Validation,
                    $"compare() met more than {_request.CompareCells / _request.IntervalCount} distinct attribute values that its topN keeps: " +
                    "narrow the query's filter or range, use a larger step or a smaller topN");
            if (side.Closed.Contains(attribute)) return;
            _values++;
            values[key] = entry = (value, new double[_request.IntervalCount]);
        }
        entry.Counts[interval]++;
    }

    /// <summary>
    /// Cuts the attribute (of either side) with the most kept values to its topN by their sums so far and closes
    /// it to new values; false when no attribute has more than topN values to give up.
    /// </summary>
    private bool CloseLargestAttribute()
    {
        var (largest, attribute) = (_baseline, "");
        var most = _compare.CompareTopN;
        foreach (var side in new[] { _baseline, _selection })
        foreach (var (name, values) in side.Values)
            if (values.Count > most) (largest, attribute, most) = (side, name, values.Count);
        if (attribute.Length == 0) return false;
        var kept = largest.Values[attribute];
        foreach (var dropped in kept.OrderByDescending(v => v.Value.Counts.Sum()).Skip(_compare.CompareTopN).Select(v => v.Key).ToList())
            kept.Remove(dropped);
        largest.Closed.Add(attribute);
        _values -= most - kept.Count;
        return true;
    }

    public List<Series> Results()
    {
        var output = new List<Series>();
        foreach (var side in new[] { _baseline, _selection })
        foreach (var (attribute, values) in side.Values.OrderBy(v => v.Key, StringComparer.Ordinal))
        foreach (var (value, counts) in values.Values.OrderByDescending(v => v.Counts.Sum()).Take(_compare.CompareTopN))
            output.Add(NewSeries(side.Name, attribute, value, counts));
        foreach (var side in new[] { _baseline, _selection })
        foreach (var (attribute, totals) in side.Totals.OrderBy(v => v.Key, StringComparer.Ordinal))
        {
            var series = NewSeries(side.Name + "_total", attribute, Static.String("nil"), totals);
            series.Exemplars.AddRange(side.Exemplars.Where(e => e.Attributes.Contains(attribute)).Select(e => e.Exemplar.Copy()));
            output.Add(series);
        }
        return output;
    }

    private Series NewSeries(string metaType, string attribute, Static value, double[] counts)
    {
        var series = new Series([new(MetaType, Static.String(metaType)), new(attribute, value)], _request.IntervalCount);
        counts.CopyTo(series.Values, 0);
        return series;
    }
}
