using Kubetrace.Analysis;
using Kubetrace.Analysis.Rollups;
using Kubetrace.Analysis.Sampling;
using Kubetrace.Storage;
using Kubetrace.Storage.Encoding;
using Kubetrace.Storage.Scan;
using static Kubetrace.Analysis.AnalysisText;
using static Kubetrace.Analysis.ReportNumbers;

namespace Kubetrace.Kubernetes.Analyses;

/// <summary>
/// <c>apiserver</c>: per verb and resource, how many requests, their p50/p95/p99 latency, and the share of their
/// time spent in authentication, authorization, priority and fairness, each admission webhook, etcd (storage and
/// etcd client spans together, never counted twice), serialization and the rest (the request's own code).
/// Feed it traces (<see cref="Add(ScannedTrace)"/>) from a scan or a simulator, or merge other states
/// (<see cref="Merge"/>, per-block rollups), then read <see cref="Report"/>.
/// </summary>
/// <remarks>
/// Phase times are summed as whole nanoseconds (each request's split rounded once), so that merged states add
/// up to exactly what one state over all the traces holds; phases are kept by name in the rollup's bytes, so
/// states of walkers that number webhooks differently, or know more fixed phases, still merge.
/// </remarks>
public sealed class ApiserverLatencyAnalysis : IRollupState<ApiserverLatencyAnalysis>
{
    private readonly ApiserverRequestWalker _walker;
    private readonly Dictionary<(string Verb, string Resource), Group> _groups = [];
    // This state's phases by name: the walker's fixed phases first, in its order, then webhooks as they come.
    private readonly List<string> _phaseNames = [];
    private readonly Dictionary<string, int> _phaseByName = new(StringComparer.Ordinal);
    private readonly List<int> _fromWalkerPhase = [];
    private readonly TraceSampling _sampling = new();
    private readonly SampleTally _all = new();
    private long _longRunning;
    private long _withoutFilterSpans;
    private long _withNestedFilters;
    // Requests with a KMS v2 envelope span: none in range means the KMS share cannot be told (n/a), not that it is 0.
    private long _withEnvelopeSpans;
    // Authentication spans that are traces of their own (1.33+): their durations, apart from any request; the
    // traces they rest on and examples, as every row's (the (authentication) row is one).
    private readonly LatencySketch _separateAuthentication = new();
    private readonly SampleTally _separateAuthenticationSample = new();
    private readonly ExampleTraces _separateAuthenticationExamples = new();

    public ApiserverLatencyAnalysis(TimeRange range)
    {
        _walker = new ApiserverRequestWalker(range);
        for (var p = 0; p < _walker.PhaseNames.Count; p++) PhaseNamed(_walker.PhaseNames[p]);
    }

    /// <summary>
    /// The per-block aggregate (<c>apiserver-3</c>): every request of the block, grouped. Version 2: requests rebuilt
    /// per release (1.33 extents, nested filters charged their own time, watches found by the query, authentication
    /// apart where it is a trace of its own); version 3: each row's and the whole's sample tallies; version 4: how many
    /// requests carry a KMS envelope span (the KMS share is n/a without any), and each row's example traces; version
    /// 5: the separate authentication spans' sample tally and examples (1.33's (authentication) row).
    /// </summary>
    internal static StateRollup<ApiserverLatencyAnalysis> Rollup { get; } = new("apiserver-5", () => new ApiserverLatencyAnalysis(TimeRange.All));

    public static AnalysisDefinition Definition { get; } = Rollup.Define("apiserver",
        "The kube-apiserver's latency per verb and resource, and where it goes: authentication, authorization, priority and fairness, webhooks, etcd, serialization",
        request => new ApiserverLatencyAnalysis(request.Range),
        (analysis, request) => Result(analysis.Report(request.Samples)));

    private static AnalysisResult Result(ApiserverLatencyReport report) => new(report, Table(report));

    /// <summary>What to ask the store for.</summary>
    public SpanScanRequest ScanRequest => _walker.Attributes.Request;

    public void Add(ScannedTrace trace)
    {
        _sampling.Begin(trace);
        _walker.Walk(trace, Add, AddSeparateAuthentication);
    }

    private void AddSeparateAuthentication(ScannedSpan span)
    {
        _separateAuthentication.Record(span.DurationNanos);
        _separateAuthenticationSample.Record(_sampling, span);
        _separateAuthenticationExamples.Record(_sampling.TraceId, span.SpanId, span.DurationNanos);
    }

    private void Add(ApiserverRequest request)
    {
        if (request.IsLongRunning)
        {
            _longRunning++;
            return;
        }
        if (!request.HasNestedFilters) _withoutFilterSpans++;
        else _withNestedFilters++;
        if (request.HasEnvelopeSpans) _withEnvelopeSpans++;
        var group = GroupOf(request.Verb, request.Resource);
        group.Latency.Record(request.DurationNanos);
        group.Sample.Record(_sampling, request.Root);
        // The example is the request as this analysis classified it (its verb and resource may come from a child span).
        group.Examples.Record(_sampling.TraceId, request.Root.SpanId, request.DurationNanos);
        _all.Record(_sampling, request.Root);
        if (request.HasNestedFilters) group.WithFilterSpans++;
        if (request.HasAuthenticationSpan) group.WithAuthenticationSpan++;
        for (var p = 0; p < request.PhaseTime.Length; p++)
            if (request.PhaseTime[p] != 0) group.AddPhase(LocalPhase(p), (long)Math.Round(request.PhaseTime[p]));
    }

    public void Merge(ApiserverLatencyAnalysis other)
    {
        _longRunning += other._longRunning;
        _withoutFilterSpans += other._withoutFilterSpans;
        _withNestedFilters += other._withNestedFilters;
        _withEnvelopeSpans += other._withEnvelopeSpans;
        _separateAuthentication.Merge(other._separateAuthentication);
        _separateAuthenticationSample.Merge(other._separateAuthenticationSample);
        _separateAuthenticationExamples.Merge(other._separateAuthenticationExamples);
        _all.Merge(other._all);
        foreach (var ((verb, resource), theirs) in other._groups)
        {
            var group = GroupOf(verb, resource);
            group.Latency.Merge(theirs.Latency);
            group.Sample.Merge(theirs.Sample);
            group.Examples.Merge(theirs.Examples);
            group.WithFilterSpans += theirs.WithFilterSpans;
            group.WithAuthenticationSpan += theirs.WithAuthenticationSpan;
            for (var p = 0; p < theirs.PhaseTime.Length; p++)
                if (theirs.PhaseTime[p] != 0) group.AddPhase(PhaseNamed(other._phaseNames[p]), theirs.PhaseTime[p]);
        }
    }

    void IRollupState<ApiserverLatencyAnalysis>.WriteTo(ByteWriter writer)
    {
        writer.WriteVarint(_longRunning);
        writer.WriteVarint(_withoutFilterSpans);
        writer.WriteVarint(_withNestedFilters);
        writer.WriteVarint(_withEnvelopeSpans);
        _separateAuthentication.WriteTo(writer);
        _separateAuthenticationSample.WriteTo(writer);
        _separateAuthenticationExamples.WriteTo(writer);
        _all.WriteTo(writer);
        writer.WriteEach(_phaseNames, writer.WriteString);
        writer.WriteEach(_groups, group =>
        {
            writer.WriteString(group.Key.Verb);
            writer.WriteString(group.Key.Resource);
            writer.WriteVarint(group.Value.WithFilterSpans);
            writer.WriteVarint(group.Value.WithAuthenticationSpan);
            group.Value.Latency.WriteTo(writer);
            group.Value.Sample.WriteTo(writer);
            group.Value.Examples.WriteTo(writer);
            writer.WriteEach(group.Value.PhaseTime, writer.WriteSigned);
        });
    }

    static ApiserverLatencyAnalysis IRollupState<ApiserverLatencyAnalysis>.ReadFrom(ByteReader reader)
    {
        // Read as a state of its own (phase numbers as written), then merged into one of ours (numbered by name).
        var written = new ApiserverLatencyAnalysis(TimeRange.All);
        written._phaseNames.Clear();
        written._phaseByName.Clear();
        written._longRunning = reader.ReadLong();
        written._withoutFilterSpans = reader.ReadLong();
        written._withNestedFilters = reader.ReadLong();
        written._withEnvelopeSpans = reader.ReadLong();
        written._separateAuthentication.Merge(LatencySketch.ReadFrom(reader));
        written._separateAuthenticationSample.MergeFrom(reader);
        written._separateAuthenticationExamples.MergeFrom(reader);
        written._all.MergeFrom(reader);
        reader.ReadEach(() =>
        {
            var count = written._phaseNames.Count;
            if (written.PhaseNamed(reader.ReadString()) != count) throw new InvalidDataException("apiserver rollup: a phase is named twice");
        });
        reader.ReadEach(() =>
        {
            var group = written.GroupOf(reader.ReadString(), reader.ReadString());
            group.WithFilterSpans = reader.ReadLong();
            group.WithAuthenticationSpan = reader.ReadLong();
            group.Latency.Merge(LatencySketch.ReadFrom(reader));
            group.Sample.MergeFrom(reader);
            group.Examples.MergeFrom(reader);
            var phase = 0;
            reader.ReadEach(() =>
            {
                if (phase >= written._phaseNames.Count) throw new InvalidDataException("apiserver rollup: more phase times than phases");
                group.AddPhase(phase++, reader.ReadSigned());
            });
        });
        var state = new ApiserverLatencyAnalysis(TimeRange.All);
        state.Merge(written);
        return state;
    }

    private Group GroupOf(string verb, string resource)
    {
        if (!_groups.TryGetValue((verb, resource), out var group)) _groups.Add((verb, resource), group = new Group());
        return group;
    }

    private int PhaseNamed(string name)
    {
        if (_phaseByName.TryGetValue(name, out var phase)) return phase;
        _phaseByName.Add(name, phase = _phaseNames.Count);
        _phaseNames.Add(name);
        return phase;
    }

    /// <summary>This state's number for the walker's phase <paramref name="walkerPhase"/> (webhooks are numbered as the walker meets them).</summary>
    private int LocalPhase(int walkerPhase)
    {
        while (_fromWalkerPhase.Count <= walkerPhase) _fromWalkerPhase.Add(PhaseNamed(_walker.PhaseNames[_fromWalkerPhase.Count]));
        return _fromWalkerPhase[walkerPhase];
    }

    /// <summary>The report, its rows' samples scaled by <paramref name="samples"/>' rates (none known when null).</summary>
    public ApiserverLatencyReport Report(RowSamples? samples = null)
    {
        samples ??= new RowSamples(SamplingRates.Unknown);
        var groups = _groups
            .Select(g => Describe(g.Key.Verb, g.Key.Resource, g.Value, samples))
            .OrderByDescending(g => g.P99Ms).ThenByDescending(g => g.Count).ThenBy(g => g.Verb, StringComparer.Ordinal).ThenBy(g => g.Resource, StringComparer.Ordinal)
            .ToList();
        var authentication = SeparateAuthentication(samples);
        return new ApiserverLatencyReport(groups.Sum(g => g.Count), _longRunning, _withoutFilterSpans, "p99", groups, authentication)
        {
            RequestsWithEnvelopeSpans = _withEnvelopeSpans,
            Sampling = SamplingSummary.Of("requests", samples.Of(_all), [.. groups.Select(g => g.Sample), .. AuthenticationRow(authentication).Select(a => a.Sample)]),
        };
    }

    /// <summary>
    /// Authentication spans that are traces of their own (1.33+): no trace ID joins them to their request. In 1.33
    /// each lasts the authentication; from 1.34 (requests with nested filter spans) it lasts until its request ends,
    /// so its duration is not the authentication's and none can be given.
    /// </summary>
    private SeparateAuthentication? SeparateAuthentication(RowSamples samples)
    {
        var spans = _separateAuthentication.Count;
        if (spans == 0) return null;
        if (_withNestedFilters > 0)
            return new SeparateAuthentication(spans, null, null, null,
                "from Kubernetes 1.34 the authentication span is a trace of its own that lasts until its request ends (filterlatency defers its End): " +
                "its duration is the whole request, and no trace ID joins it to the request, so the authentication time cannot be read from spans");
        return new SeparateAuthentication(spans, Ms(_separateAuthentication.Percentile(0.5)), Ms(_separateAuthentication.Percentile(0.95)),
            Ms(_separateAuthentication.Percentile(0.99)), null)
        {
            Sample = samples.Of(_separateAuthenticationSample, _separateAuthentication),
            Examples = _separateAuthenticationExamples.Report(_separateAuthentication.Percentile(0.5)),
        };
    }

    /// <summary>The separate authentication spans when the table gives them a row of their own (1.33: their duration is the authentication's).</summary>
    private static IEnumerable<SeparateAuthentication> AuthenticationRow(SeparateAuthentication? authentication) =>
        authentication is { NotApplicable: null } ? [authentication] : [];

    private ApiserverRequestGroup Describe(string verb, string resource, Group group, RowSamples samples)
    {
        var total = (double)group.Latency.Sum;
        double Share(int phase) => total == 0 || phase >= group.PhaseTime.Length ? 0 : Fraction(group.PhaseTime[phase] / total);
        double? FilterShare(int phase) => group.WithFilterSpans == 0 ? null : Share(phase);
        double? AuthenticationShare() => group.WithAuthenticationSpan == 0 ? null : Share(ApiserverPhase.Authentication);
        var byWebhook = Enumerable.Range(ApiserverPhase.FirstWebhook, Math.Max(0, group.PhaseTime.Length - ApiserverPhase.FirstWebhook))
            .Where(p => group.PhaseTime[p] > 0)
            .Select(p => new WebhookShare(_phaseNames[p], Share(p)))
            .OrderByDescending(w => w.Share).ThenBy(w => w.Webhook, StringComparer.Ordinal).ToList();
        var webhooks = total == 0 ? 0 : Fraction(group.PhaseTime.Skip(ApiserverPhase.FirstWebhook).Sum() / total);
        var shares = new ApiserverPhaseShares(AuthenticationShare(), FilterShare(ApiserverPhase.Authorization),
            FilterShare(ApiserverPhase.PriorityAndFairness), FilterShare(ApiserverPhase.OtherFilters), webhooks,
            Share(ApiserverPhase.Etcd), _withEnvelopeSpans == 0 ? null : Share(ApiserverPhase.Encryption), Share(ApiserverPhase.Serialization), Share(ApiserverPhase.Rest), byWebhook,
            Share(ApiserverPhase.AggregatedApi), Share(ApiserverPhase.NestedRequests));
        var latency = group.Latency;
        return new ApiserverRequestGroup(verb, resource, latency.Count, Ms(latency.Percentile(0.5)), Ms(latency.Percentile(0.95)),
            Ms(latency.Percentile(0.99)), Ms(latency.Mean), group.WithFilterSpans, shares)
        {
            Sample = samples.Of(group.Sample, latency), Examples = group.Examples.Report(latency.Percentile(0.5)),
        };
    }

    public static AnalysisTable Table(ApiserverLatencyReport report)
    {
        // Shown only where some request was proxied or sent one on, so tables of clusters without either keep their shape.
        var proxied = report.Groups.Any(g => g.Shares.AggregatedApi + g.Shares.NestedRequests > 0);
        var rows = report.Groups.Select(g => (IReadOnlyList<string>)
        [
            g.Verb, g.Resource, SampleText.Count(g.Sample), SampleText.Percentile(g.Sample, "p50", g.P50Ms),
            SampleText.Percentile(g.Sample, "p95", g.P95Ms), SampleText.Percentile(g.Sample, "p99", g.P99Ms),
            ShortPercent(g.Shares.Authentication), ShortPercent(g.Shares.Authorization), ShortPercent(g.Shares.PriorityAndFairness),
            ShortPercent(g.Shares.Webhooks), ShortPercent(g.Shares.Etcd), ShortPercent(g.Shares.Encryption), ShortPercent(g.Shares.Serialization),
            ShortPercent(g.Shares.Rest + (g.Shares.OtherFilters ?? 0)),
            .. (proxied ? [ShortPercent(g.Shares.AggregatedApi + g.Shares.NestedRequests)] : Array.Empty<string>()),
        ]).ToList();
        var notes = new List<string>
        {
            $"{Count(report.Requests)} apiserver requests, sorted by p99 latency, worst first.",
            "Shares: each instant of a request goes to the deepest spans running then (split evenly between concurrent ones), so storage and its etcd calls are never counted twice and the shares add up to 100%.",
            report.RequestsWithEnvelopeSpans > 0
                ? "KMS: encrypting and decrypting stored objects (KMS v2 envelope transformer spans inside storage), not counted in Etcd. " +
                  "The apiserver traces them from Kubernetes 1.29, KMS v2 only: before 1.29, or with KMS v1, that time is in Rest."
                : "KMS: n/a, no request in this range carries a KMS v2 envelope transformer span. The apiserver traces them from Kubernetes 1.29, " +
                  "KMS v2 only: either nothing read or written here is encrypted by KMS v2, or the release (before 1.29, or KMS v1) cannot tell, and the time is in Rest.",
            "Rest: the request's own code outside any child span, plus the audit and impersonation filters (otherFilters in --json). Webhooks: all admission webhooks (see `kubetrace analyze webhooks`).",
            PercentileNote,
        };
        if (report.RequestsWithoutFilterSpans > 0)
            notes.Add($"{Count(report.RequestsWithoutFilterSpans)} of {Count(report.Requests)} requests carry no authorization or priority-and-fairness spans " +
                "(the apiserver traces those filters from Kubernetes 1.34): their time is inside Rest, and rows without any show n/a. " +
                "Authn is read from the request's own authentication span (through 1.32); from 1.33 authentication is a trace of its own and the column shows n/a.");
        if (report.SeparateAuthentication is { NotApplicable: { } reason } notApplicable)
            notes.Add($"Authentication: n/a for {Count(notApplicable.Spans)} authentication traces: {reason}.");
        var authentication = AuthenticationRow(report.SeparateAuthentication).ToList();
        foreach (var a in authentication)
        {
            rows.Add([ApiserverRowSearch.AuthenticationVerb, ApiserverRowSearch.AuthenticationResource, SampleText.Count(a.Sample), SampleText.Percentile(a.Sample, "p50", a.P50Ms!.Value),
                SampleText.Percentile(a.Sample, "p95", a.P95Ms!.Value), SampleText.Percentile(a.Sample, "p99", a.P99Ms!.Value), "100%", "", "", "", "", "", "", "", .. (proxied ? [""] : Array.Empty<string>())]);
            notes.Add("(authentication): Kubernetes 1.33 traces authentication as a one-span trace of its own, joined to no request by trace ID: " +
                "its latency is shown apart, and the request rows' time starts after it.");
        }
        if (proxied)
            notes.Add("Proxied: time in requests sent on from inside the request, with everything under them counted once: the aggregation layer's proxy to an " +
                "extension API server (traced from Kubernetes 1.31; the row's resource names the API group and the address the proxy dialled, a service IP) " +
                "and loopback calls. The extension server's own request, when it followed the trace context (1.33+, system:masters callers), is a row of its own marked (extension).");
        if (report.LongRunningLeftOut > 0)
            notes.Add($"{Count(report.LongRunningLeftOut)} watch/connect requests left out: their duration is how long the client stayed, not latency.");
        return new AnalysisTable("kube-apiserver latency by verb and resource",
            ["Verb", "Resource", "Count", "p50", "p95", "p99", "Authn", "Authz", "APF", "Webhooks", "Etcd", "KMS", "Serialize", "Rest", .. (proxied ? ["Proxied"] : Array.Empty<string>())], rows)
        {
            // The (authentication) row, when there is one, comes last: its examples and search are authentication traces.
            Notes = notes, Samples = [.. report.Groups.Select(g => g.Sample), .. authentication.Select(a => a.Sample)], Sampling = report.Sampling,
            Examples = [.. report.Groups.Select(g => g.Examples), .. authentication.Select(a => a.Examples)],
            Searches = [.. report.Groups.Select(ApiserverRowSearch.Of), .. authentication.Select(_ => ApiserverRowSearch.SeparateAuthentication)],
            // At 80 columns the anatomy (where the time goes) matters more than the spread of the latency.
            DropFirst = ["p95", "p50", "KMS", "Authn", "Serialize", "APF", "Count"],
        };
    }

    private sealed class Group
    {
        public readonly LatencySketch Latency = new();
        public readonly SampleTally Sample = new();
        public readonly ExampleTraces Examples = new();
        public long[] PhaseTime = [];
        public long WithFilterSpans;
        public long WithAuthenticationSpan;

        public void AddPhase(int phase, long nanos)
        {
            if (PhaseTime.Length <= phase) Array.Resize(ref PhaseTime, phase + 1);
            PhaseTime[phase] += nanos;
        }
    }
}
