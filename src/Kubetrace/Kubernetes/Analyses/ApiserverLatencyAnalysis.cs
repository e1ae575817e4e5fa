using Kubetrace.Analysis;
using Kubetrace.Storage;
using Kubetrace.Storage.Scan;
using static Kubetrace.Kubernetes.Analyses.AnalysisFormat;

namespace Kubetrace.Kubernetes.Analyses;

/// <summary>
/// <c>apiserver</c>: per verb and resource, how many requests, their p50/p95/p99 latency, and the share of their
/// time spent in authentication, authorization, priority and fairness, each admission webhook, etcd (storage and
/// etcd client spans together, never counted twice), serialization and the rest (the request's own code).
/// Feed it traces (<see cref="Add"/>) from a scan or a simulator, then read <see cref="Report"/>.
/// </summary>
public sealed class ApiserverLatencyAnalysis
{
    private readonly ApiserverRequestWalker _walker;
    private readonly Dictionary<(string Verb, string Resource), Group> _groups = [];
    private long _longRunning;
    private long _withoutFilterSpans;

    public ApiserverLatencyAnalysis(TimeRange range) => _walker = new ApiserverRequestWalker(range);

    public static AnalysisDefinition Definition { get; } = new("apiserver",
        "kube-apiserver latency per verb and resource, and where it goes: authentication, authorization, priority and fairness, webhooks, etcd, serialization",
        RunAsync);

    /// <summary>What to ask the store for.</summary>
    public SpanScanRequest ScanRequest => _walker.Attributes.Request;

    public static async Task<AnalysisResult> RunAsync(AnalysisRequest request, CancellationToken cancellationToken)
    {
        var analysis = new ApiserverLatencyAnalysis(request.Range);
        await request.Store.ScanAsync(analysis.ScanRequest, analysis.Add, cancellationToken);
        var report = analysis.Report();
        return new AnalysisResult(report, Table(report));
    }

    public void Add(ScannedTrace trace) => _walker.Walk(trace, Add);

    private void Add(ApiserverRequest request)
    {
        if (request.IsLongRunning)
        {
            _longRunning++;
            return;
        }
        if (!request.HasFilterSpans) _withoutFilterSpans++;
        if (!_groups.TryGetValue((request.Verb, request.Resource), out var group))
            _groups.Add((request.Verb, request.Resource), group = new Group());
        group.Latency.Record(request.DurationNanos);
        if (request.HasFilterSpans) group.WithFilterSpans++;
        if (group.PhaseTime.Length < request.PhaseTime.Length) Array.Resize(ref group.PhaseTime, request.PhaseTime.Length);
        for (var p = 0; p < request.PhaseTime.Length; p++) group.PhaseTime[p] += request.PhaseTime[p];
    }

    public ApiserverLatencyReport Report()
    {
        var groups = _groups
            .Select(g => Describe(g.Key.Verb, g.Key.Resource, g.Value))
            .OrderByDescending(g => g.P99Ms).ThenByDescending(g => g.Count).ThenBy(g => g.Verb, StringComparer.Ordinal).ThenBy(g => g.Resource, StringComparer.Ordinal)
            .ToList();
        return new ApiserverLatencyReport(groups.Sum(g => g.Count), _longRunning, _withoutFilterSpans, "p99", groups);
    }

    private ApiserverRequestGroup Describe(string verb, string resource, Group group)
    {
        var total = (double)group.Latency.Sum;
        double Share(int phase) => total == 0 || phase >= group.PhaseTime.Length ? 0 : Fraction(group.PhaseTime[phase] / total);
        double? FilterShare(int phase) => group.WithFilterSpans == 0 ? null : Share(phase);
        var byWebhook = Enumerable.Range(ApiserverPhase.FirstWebhook, Math.Max(0, group.PhaseTime.Length - ApiserverPhase.FirstWebhook))
            .Where(p => group.PhaseTime[p] > 0)
            .Select(p => new WebhookShare(_walker.PhaseNames[p], Share(p)))
            .OrderByDescending(w => w.Share).ToList();
        var webhooks = total == 0 ? 0 : Fraction(group.PhaseTime.Skip(ApiserverPhase.FirstWebhook).Sum() / total);
        var shares = new ApiserverPhaseShares(FilterShare(ApiserverPhase.Authentication), FilterShare(ApiserverPhase.Authorization),
            FilterShare(ApiserverPhase.PriorityAndFairness), FilterShare(ApiserverPhase.OtherFilters), webhooks,
            Share(ApiserverPhase.Etcd), Share(ApiserverPhase.Encryption), Share(ApiserverPhase.Serialization), Share(ApiserverPhase.Rest), byWebhook);
        var latency = group.Latency;
        return new ApiserverRequestGroup(verb, resource, latency.Count, Ms(latency.Percentile(0.5)), Ms(latency.Percentile(0.95)),
            Ms(latency.Percentile(0.99)), Ms(latency.Mean), group.WithFilterSpans, shares);
    }

    public static AnalysisTable Table(ApiserverLatencyReport report)
    {
        var rows = report.Groups.Select(g => (IReadOnlyList<string>)
        [
            g.Verb, g.Resource, Count(g.Count), Duration(g.P50Ms * 1e6), Duration(g.P95Ms * 1e6), Duration(g.P99Ms * 1e6),
            Percent(g.Shares.Authentication), Percent(g.Shares.Authorization), Percent(g.Shares.PriorityAndFairness),
            Percent(g.Shares.Webhooks), Percent(g.Shares.Etcd), Percent(g.Shares.Encryption), Percent(g.Shares.Serialization),
            Percent(g.Shares.Rest + (g.Shares.OtherFilters ?? 0)),
        ]).ToList();
        var notes = new List<string>
        {
            $"{Count(report.Requests)} apiserver requests, sorted by p99 latency, worst first.",
            "Shares: each instant of a request goes to the deepest spans running then (split evenly between concurrent ones), so storage and its etcd calls are never counted twice and the shares add up to 100%.",
            "KMS: encrypting and decrypting stored objects (KMS v2 envelope transformer spans inside storage), not counted in Etcd.",
            "Rest: the request's own code outside any child span, plus the audit and impersonation filters (otherFilters in --json). Webhooks: all admission webhooks (see `kubetrace analyze webhooks`).",
            PercentileNote,
        };
        if (report.RequestsWithoutFilterSpans > 0)
            notes.Add($"{Count(report.RequestsWithoutFilterSpans)} of {Count(report.Requests)} requests carry no filter spans (the apiserver emits them from Kubernetes 1.34): " +
                "their authentication, authorization and priority-and-fairness time is inside Rest, and rows without any show n/a.");
        if (report.LongRunningLeftOut > 0)
            notes.Add($"{Count(report.LongRunningLeftOut)} watch/connect requests left out: their duration is how long the client stayed, not latency.");
        return new AnalysisTable("kube-apiserver latency by verb and resource",
            ["Verb", "Resource", "Count", "p50", "p95", "p99", "Authn", "Authz", "APF", "Webhooks", "Etcd", "KMS", "Serialize", "Rest"], rows)
        { Notes = notes };
    }

    private sealed class Group
    {
        public readonly LatencySketch Latency = new();
        public double[] PhaseTime = [];
        public long WithFilterSpans;
    }
}
