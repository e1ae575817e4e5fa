namespace Kubetrace.Analysis.Sampling;

/// <summary>
/// The Clopper–Pearson 95% interval of a proportion (an error rate) from x events in n trials: the p at which
/// seeing x or more (for the low end) or x or fewer (for the high end) has a 2.5% chance. 0 errors in 1 call
/// gives [0, 97.5%]: no evidence of "no errors".
/// </summary>
public static class ProportionBounds
{
    public static (double Low, double High) Of(long events, long trials)
    {
        if (trials <= 0) return (0, 1);
        events = Math.Clamp(events, 0, trials);
        var low = events == 0 ? 0 : Solve(p => 1 - Binomial.Cdf(events - 1, trials, p), rising: true);
        var high = events == trials ? 1 : Solve(p => Binomial.Cdf(events, trials, p), rising: false);
        return (low, high);
    }

    /// <summary>The p in [0, 1] where <paramref name="tail"/> (monotone in p) equals 2.5%, by bisection.</summary>
    private static double Solve(Func<double, double> tail, bool rising)
    {
        double lo = 0, hi = 1;
        for (var i = 0; i < 60; i++)
        {
            var mid = (lo + hi) / 2;
            if (tail(mid) < QuantileBounds.TailProbability == rising) lo = mid;
            else hi = mid;
        }
        return (lo + hi) / 2;
    }
}
