namespace Kubetrace.Query.TraceQl.Metrics;

/// <summary>
/// The first metrics stage: spans in, one series per <c>by()</c> group (and quantile or histogram bucket) out.
/// Counts and rates are exact; quantiles come from power-of-two histograms with Tempo's interpolation
/// (Log2Bucketize / Log2Quantile), so they agree with Tempo's to the bucket. Exemplars: the span's value of the
/// aggregated attribute (seconds for durations), or, for rate, count and histogram, the series' value once known.
/// </summary>
internal sealed class SeriesAggregator(MetricsAggregate aggregate, MetricsRequest request, TraceQlLimits limits, ExemplarSampler sampler)
    : IFirstStage
{
    private readonly Dictionary<object, Group> _groups = [];
    private readonly int _intervals = request.IntervalCount;

    /// <summary>One series group's values per interval (a rolled-up query writes its counts directly).</summary>
    internal sealed class Group(List<KeyValuePair<string, Static>> labels, int intervals, ExemplarBuckets? exemplarBuckets)
    {
        public List<KeyValuePair<string, Static>> Labels { get; } = labels;
        public ExemplarBuckets? ExemplarBuckets { get; } = exemplarBuckets;

        /// <summary>Exemplars with the histogram bucket they fell in (0 when not a histogram).</summary>
        public List<(double Bucket, Exemplar Exemplar)> Exemplars { get; } = [];
        public double[] Count { get; } = new double[intervals];
        public double[] Sum { get; } = new double[intervals];
        public double[] Min { get; } = Filled(intervals, double.NaN);
        public double[] Max { get; } = Filled(intervals, double.NaN);
        public Dictionary<double, double[]> Buckets { get; } = [];

        private static double[] Filled(int n, double v)
        {
            var a = new double[n];
            Array.Fill(a, v);
            return a;
        }
    }

    /// <summary>Whether the function counts per duration bucket (histograms and quantiles).</summary>
    public bool UsesBuckets => aggregate.Op is MetricsOp.QuantileOverTime or MetricsOp.HistogramOverTime;

    public void Add(SpanRecord span, bool exemplar)
    {
        var interval = request.Interval(span.StartUnixNano);
        if (interval < 0) return;
        double value = 0;
        if (aggregate.Attribute is { } attribute)
        {
            var v = Evaluator.Lookup(attribute, new Evaluator.SpanContext(span));
            if (!v.IsNumeric) return;
            // Durations count in seconds, as Tempo reports them.
            value = v.Type == StaticType.Duration ? v.AsInt / 1e9 : v.AsFloat;
        }
        var group = GroupOf(span);
        group.Count[interval]++;
        group.Sum[interval] += value;
        if (!(group.Min[interval] <= value)) group.Min[interval] = value;
        if (!(group.Max[interval] >= value)) group.Max[interval] = value;
        double bucket = 0;
        if (aggregate.Op is MetricsOp.QuantileOverTime or MetricsOp.HistogramOverTime)
        {
            bucket = Log2Bucket(value, aggregate.Attribute!);
            Bucket(group, bucket)[interval]++;
        }
        if (exemplar && group.ExemplarBuckets!.TryTake(span.StartUnixNano / 1_000_000))
        {
            var valued = aggregate.Op is not (MetricsOp.Rate or MetricsOp.CountOverTime or MetricsOp.HistogramOverTime);
            group.Exemplars.Add((bucket, Exemplar.Of(span, interval, valued ? value : double.NaN)));
        }
    }

    /// <summary>A rolled-up span offered as an exemplar (its trace already claimed), with its duration.</summary>
    public void AddCountedExemplar(SpanRecord like, Exemplar exemplar, double durationSeconds)
    {
        var group = GroupOf(like);
        if (!group.ExemplarBuckets!.TryTake(exemplar.TimestampMs)) return;
        var valued = aggregate.Op is not (MetricsOp.Rate or MetricsOp.CountOverTime or MetricsOp.HistogramOverTime);
        var bucket = aggregate.Op is MetricsOp.QuantileOverTime or MetricsOp.HistogramOverTime ? Log2Bucket(durationSeconds, aggregate.Attribute!) : 0;
        if (valued) exemplar.Value = durationSeconds;
        group.Exemplars.Add((bucket, exemplar));
    }

    /// <summary>A group's counts per interval of one histogram bucket.</summary>
    internal double[] Bucket(Group group, double bucket)
    {
        if (!group.Buckets.TryGetValue(bucket, out var counts)) group.Buckets[bucket] = counts = new double[_intervals];
        return counts;
    }

    /// <summary>The group of <paramref name="span"/>'s by() values, created at first use (counted against the series limit).</summary>
    internal Group GroupOf(SpanRecord span)
    {
        var values = new Static[aggregate.By.Count];
        for (var i = 0; i < values.Length; i++) values[i] = Evaluator.Lookup(aggregate.By[i], new Evaluator.SpanContext(span));
        // One by() value (the common case) keys by the value itself; more by their joined text.
        object key = values.Length switch
        {
            0 => "",
            1 => values[0].GroupKey,
            _ => string.Join("\u0001", values.Select(v => v.Type + ":" + v)),
        };
        if (!_groups.TryGetValue(key, out var group))
        {
            var labels = aggregate.By.Select((by, i) => new KeyValuePair<string, Static>(by.ToString(), values[i])).ToList();
            if (_groups.Count >= limits.MaxSeries)
                throw new TraceQlException(TraceQlErrorKind.Validation, $"the query produces more than {limits.MaxSeries} series: narrow it with a filter or fewer by() attributes");
            if (labels.Count == 0 && aggregate.Op is not (MetricsOp.QuantileOverTime or MetricsOp.HistogramOverTime))
                labels.Add(new("__name__", Static.String(aggregate.Name)));
            _groups[key] = group = new Group(labels, _intervals, sampler.Enabled ? sampler.NewBuckets() : null);
        }
        return group;
    }

    /// <summary>Tempo's Log2Bucketize: the next power of two (of nanoseconds for durations, reported in seconds).</summary>
    private static double Log2Bucket(double value, AttributeRef attribute)
    {
        var isDuration = attribute.Intrinsic is Intrinsic.Duration or Intrinsic.TraceDuration or Intrinsic.EventTimeSinceStart;
        return BucketOf(Log2Power(value, isDuration), isDuration);
    }

    /// <summary>The power of two of <see cref="Log2Bucket"/>'s bucket; -1 for values below 2 (of nanoseconds for durations).</summary>
    internal static int Log2Power(double value, bool isDuration)
    {
        var raw = isDuration ? value * 1e9 : value;
        if (raw < 2) return -1;
        var v = (ulong)Math.Round(raw);
        return 64 - System.Numerics.BitOperations.LeadingZeroCount(v - 1);
    }

    /// <summary>The bucket of a power from <see cref="Log2Power"/>, in seconds for durations.</summary>
    internal static double BucketOf(int power, bool isDuration)
    {
        if (power < 0) return -1;
        var bucket = power >= 64 ? double.MaxValue : (double)(1UL << power);
        return isDuration ? bucket / 1e9 : bucket;
    }

    public List<Series> Results()
    {
        var output = new List<Series>();
        foreach (var group in _groups.Values)
        {
            switch (aggregate.Op)
            {
                case MetricsOp.QuantileOverTime:
                    var sorted = group.Buckets.OrderBy(b => b.Key).ToList();
                    foreach (var q in aggregate.Quantiles)
                    {
                        var series = new Series([.. group.Labels, new("p", Static.Float(q))], _intervals);
                        for (var i = 0; i < _intervals; i++)
                            series.Values[i] = Log2Quantile(q, sorted.Select(b => (b.Key, (int)b.Value[i])).Where(b => b.Item2 > 0).ToList());
                        output.Add(series);
                    }
                    AssignToNearestQuantile(group, output.GetRange(output.Count - aggregate.Quantiles.Count, aggregate.Quantiles.Count));
                    break;
                case MetricsOp.HistogramOverTime:
                    foreach (var (bucket, counts) in group.Buckets.OrderBy(b => b.Key))
                    {
                        var series = new Series([.. group.Labels, new("__bucket", Static.Float(bucket))], _intervals);
                        counts.CopyTo(series.Values, 0);
                        series.Exemplars.AddRange(group.Exemplars.Where(e => e.Bucket == bucket).Select(e => e.Exemplar));
                        output.Add(series);
                    }
                    break;
                default:
                    var s = new Series(group.Labels, _intervals);
                    for (var i = 0; i < _intervals; i++)
                        s.Values[i] = aggregate.Op switch
                        {
                            MetricsOp.Rate => group.Count[i] / request.StepSeconds,
                            MetricsOp.CountOverTime => group.Count[i],
                            MetricsOp.MinOverTime => group.Min[i],
                            MetricsOp.MaxOverTime => group.Max[i],
                            MetricsOp.SumOverTime => group.Count[i] == 0 ? double.NaN : group.Sum[i],
                            MetricsOp.AvgOverTime => group.Count[i] == 0 ? double.NaN : group.Sum[i] / group.Count[i],
                            _ => double.NaN,
                        };
                    s.Exemplars.AddRange(group.Exemplars.Select(e => e.Exemplar));
                    output.Add(s);
                    break;
            }
        }
        return output;
    }

    /// <summary>
    /// Each exemplar goes to one quantile series, the one whose value in the exemplar's interval is nearest the
    /// exemplar's (Tempo assigns each to one quantile too, by the quantiles of the whole range).
    /// </summary>
    private static void AssignToNearestQuantile(Group group, List<Series> quantiles)
    {
        foreach (var (_, exemplar) in group.Exemplars)
            quantiles.MinBy(q => Math.Abs(q.Values[exemplar.Interval] - exemplar.Value))!.Exemplars.Add(exemplar);
    }

    /// <summary>Tempo's Log2Quantile: find the bucket holding the p-th sample, interpolate exponentially inside it.</summary>
    internal static double Log2Quantile(double p, List<(double Max, int Count)> buckets)
    {
        var total = buckets.Sum(b => b.Count);
        if (double.IsNaN(p) || p is < 0 or > 1 || total == 0) return buckets.Count == 0 ? 0 : 0;
        var maxSamples = Math.Max(1, (int)Math.Ceiling(p * total));
        int consumed = 0, bucket = 0;
        for (var i = 0; i < buckets.Count; i++)
        {
            bucket = i;
            if (consumed + buckets[i].Count > maxSamples) break;
            consumed += buckets[i].Count;
            if (consumed == maxSamples) return buckets[i].Max;
        }
        var fraction = (double)(maxSamples - consumed) / buckets[bucket].Count;
        var maxV = Math.Log2(buckets[bucket].Max);
        var minV = bucket > 0 ? Math.Log2(buckets[bucket - 1].Max) : maxV - 1;
        return Math.Pow(2, minV + (maxV - minV) * fraction);
    }
}
