namespace Kubetrace.Query.TraceQl.Metrics;

/// <summary>Operations on series after the first stage (Tempo's second stage and metrics math).</summary>
internal static class SecondStages
{
    public static List<Series> Apply(SecondStage stage, List<Series> input) => stage switch
    {
        TopKBottomK k => TopK(input, (int)Math.Min(int.MaxValue, k.Limit), k.Bottom),
        MetricsFilter f => Filter(input, f),
        MetricsScalarOp s => input.Select(series => Map(series, v => Arithmetic(s.Op, s.ScalarOnLeft ? s.Value : v, s.ScalarOnLeft ? v : s.Value))).ToList(),
        _ => input,
    };

    /// <summary>Per interval, the k highest (lowest) series keep their value; series never among them are dropped.</summary>
    private static List<Series> TopK(List<Series> input, int k, bool bottom)
    {
        if (input.Count <= k) return input;
        var intervals = input[0].Values.Length;
        var kept = new HashSet<Series>();
        var chosen = new bool[input.Count, intervals];
        for (var i = 0; i < intervals; i++)
        {
            var ranked = Enumerable.Range(0, input.Count).Where(s => !double.IsNaN(input[s].Values[i]))
                .OrderBy(s => bottom ? input[s].Values[i] : -input[s].Values[i]).Take(k);
            foreach (var s in ranked)
            {
                chosen[s, i] = true;
                kept.Add(input[s]);
            }
        }
        var output = new List<Series>();
        for (var s = 0; s < input.Count; s++)
        {
            if (!kept.Contains(input[s])) continue;
            for (var i = 0; i < intervals; i++)
                if (!chosen[s, i]) input[s].Values[i] = double.NaN;
            output.Add(input[s]);
        }
        return output;
    }

    private static List<Series> Filter(List<Series> input, MetricsFilter f)
    {
        var output = new List<Series>();
        foreach (var series in input)
        {
            var any = false;
            for (var i = 0; i < series.Values.Length; i++)
            {
                var v = series.Values[i];
                var keep = f.Op switch
                {
                    Op.Greater => v > f.Value, Op.GreaterEqual => v >= f.Value, Op.Less => v < f.Value,
                    Op.LessEqual => v <= f.Value, Op.Equal => v == f.Value, Op.NotEqual => v != f.Value, _ => false,
                };
                if (keep && !double.IsNaN(v)) any = true;
                else series.Values[i] = double.NaN;
            }
            if (any) output.Add(series);
        }
        return output;
    }

    /// <summary>Arithmetic between two queries' series, matched by their labels (the metric name aside).</summary>
    public static List<Series> Combine(Op op, List<Series> lhs, List<Series> rhs, int intervals)
    {
        var right = rhs.GroupBy(s => s.Key).ToDictionary(g => g.Key, g => g.First());
        var output = new List<Series>();
        foreach (var l in lhs)
        {
            // An unlabelled side (one series) combines with every series of the other.
            var r = right.GetValueOrDefault(l.Key) ?? (rhs.Count == 1 && rhs[0].Key.Length == 0 ? rhs[0] : null);
            if (r is null) continue;
            var labels = l.Labels.Where(x => x.Key != "__name__").ToList();
            var series = new Series(labels, intervals);
            for (var i = 0; i < intervals; i++) series.Values[i] = Arithmetic(op, l.Values[i], r.Values[i]);
            output.Add(series);
        }
        return output;
    }

    private static Series Map(Series series, Func<double, double> f)
    {
        for (var i = 0; i < series.Values.Length; i++) series.Values[i] = f(series.Values[i]);
        return series;
    }

    private static double Arithmetic(Op op, double a, double b) => op switch
    {
        Op.Add => a + b, Op.Sub => a - b, Op.Mult => a * b, Op.Div => b == 0 ? double.NaN : a / b, _ => double.NaN,
    };
}
