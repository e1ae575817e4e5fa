using Kubetrace.Kubernetes.Analyses;

namespace Kubetrace.Tests.Kubernetes.Analyses;

/// <summary>
/// Each instant of a request goes to the deepest spans running then, split evenly among them; the phases' times
/// add up to the request's duration.
/// </summary>
public sealed class ExclusiveTimeSweepTests
{
    private static double[] Sweep(int phases, params (int Parent, long Start, long End, int Phase)[] nodes)
    {
        var time = new double[phases];
        new ExclusiveTimeSweep().Attribute(nodes.Length, nodes.Select(n => n.Parent).ToArray(), nodes.Select(n => n.Start).ToArray(),
            nodes.Select(n => n.End).ToArray(), nodes.Select(n => n.Phase).ToArray(), time);
        return time;
    }

    [Fact]
    public void Overlapping_spans_share_the_instants_they_both_run_and_a_parent_gets_only_its_own_time()
    {
        // root [0,100) phase 0; A [10,50) phase 1 with child C [20,40) phase 3; B [30,70) phase 2.
        var time = Sweep(4, (-1, 0, 100, 0), (0, 10, 50, 1), (0, 30, 70, 2), (1, 20, 40, 3));

        // 0-10 root; 10-20 A; 20-30 C; 30-40 C and B half each; 40-50 A and B half each; 50-70 B; 70-100 root.
        Assert.Equal([40.0, 15.0, 30.0, 15.0], time);
    }

    [Fact]
    public void Concurrent_spans_of_one_phase_give_it_the_whole_time_and_empty_spans_take_none()
    {
        // Two parallel validating webhooks (phase 1) over [10,60) and [10,40), and a zero-length span (phase 2).
        var time = Sweep(3, (-1, 0, 100, 0), (0, 10, 60, 1), (0, 10, 40, 1), (0, 50, 50, 2));

        Assert.Equal([50.0, 50.0, 0.0], time);
    }

    [Fact]
    public void A_reused_sweep_starts_each_request_from_nothing()
    {
        var sweep = new ExclusiveTimeSweep();
        var first = new double[2];
        sweep.Attribute(2, [-1, 0], [0, 0], [10, 10], [0, 1], first);
        var second = new double[2];

        sweep.Attribute(2, [-1, 0], [0, 5], [10, 10], [0, 1], second);

        Assert.Equal([0.0, 10.0], first);
        Assert.Equal([5.0, 5.0], second);
    }
}
