using System.Globalization;
using Kubetrace.Analysis;
using Kubetrace.Api;
using Kubetrace.Cli.Query;
using Kubetrace.Storage;

namespace Kubetrace.Kubernetes.Analyses.Objects;

/// <summary>
/// <c>object &lt;namespace&gt;/&lt;name&gt; | &lt;uid&gt;</c>: the timeline of everything that touched one object —
/// apiserver requests about it with their webhooks and etcd operations, kubelet syncs of a pod with their CRI and
/// containerd calls, and the client traces joined to those by span links — in time order.
/// </summary>
public static class ObjectAnalysis
{
    private const int DefaultLimit = 200;

    /// <summary>The most traces per lookup a request may ask for.</summary>
    public const int MaxLimit = 10_000;

    public static AnalysisDefinition Definition { get; } = new("object",
        "The timeline of everything that touched one object across traces and components (links, audit-id, pod UID, namespace/name)",
        RunAsync)
    {
        Arguments = [new AnalysisParameter("object", "A namespace/name, a pod UID, or the name of a cluster-scoped object")],
        Options =
        [
            new AnalysisParameter("resource", "Only this resource's requests (e.g. pods, configmaps)", Required: false),
            new AnalysisParameter("limit", $"Most traces per lookup, the most recent (default {DefaultLimit})", Required: false),
        ],
    };

    private static async Task<AnalysisResult> RunAsync(AnalysisRequest request, CancellationToken cancellationToken)
    {
        var target = ObjectRef.Parse(request.Require("object"));
        var limit = request.Count("limit", DefaultLimit, MaxLimit);
        var timeline = await AnalyseAsync(request.Store, request.Range, target, request.Get("resource"), limit, cancellationToken)
            .ConfigureAwait(false);
        // Nothing names it: a 404 that says what was searched, not an empty table that looks like a quiet object.
        if (timeline.Entries.Count == 0) throw new NotFoundException(string.Join("; ", timeline.Notes));
        timeline = timeline.WithSamples(request.Samples);
        return new AnalysisResult(timeline, Table(timeline));
    }

    public static Task<ObjectTimeline> AnalyseAsync(ITraceStore store, TimeRange range, ObjectRef target, string? resource,
        int maxTraces, CancellationToken cancellationToken) =>
        new ObjectTimelineBuilder(store, range, resource, maxTraces).BuildAsync(target, cancellationToken);

    /// <summary>Rows in time order (a timeline reads forwards); traces are numbered T1, T2… with their IDs in the notes.</summary>
    public static AnalysisTable Table(ObjectTimeline timeline)
    {
        var numbers = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in timeline.Entries)
            numbers.TryAdd(entry.TraceId, "T" + (numbers.Count + 1).ToString(CultureInfo.InvariantCulture));
        var origin = timeline.Entries.Count == 0 ? 0 : timeline.Entries[0].StartUnixNano;
        var rows = timeline.Entries.Select(e => (IReadOnlyList<string>)
        [
            HumanText.Time(e.StartUnixNano),
            "+" + AnalysisText.Duration(e.StartUnixNano - origin),
            e.Host is null ? e.Component : $"{e.Component} ({e.Host})",
            new string(' ', 2 * e.Depth) + e.Operation,
            AnalysisText.Duration(e.DurationNanos),
            e.Status,
            numbers[e.TraceId],
            e.How,
            e.AuditId is { Length: > 8 } audit ? audit[..8] : e.AuditId ?? "",
        ]).ToList();
        var notes = new List<string>
        {
            $"{timeline.Object}: {AnalysisText.Count(timeline.Entries.Count)} spans in {AnalysisText.Count(timeline.Traces.Count)} traces, in time order",
        };
        var traces = timeline.Traces.ToDictionary(t => t.TraceId, StringComparer.Ordinal);
        foreach (var (id, number) in numbers)
            notes.Add($"{number} = {id}: {traces[id].RootComponent} {traces[id].RootOperation}" +
                (traces[id].FoundByAttribute ? "" : traces[id].LinksIn ? " (links in: a request made by a trace above)" : " (joined by a span link)"));
        notes.AddRange(timeline.Notes);
        return new AnalysisTable($"Timeline of {timeline.Object}",
            ["Time (UTC)", "+", "Component", "Operation", "Duration", "Status", "Trace", "How related", "Audit ID"], rows)
        {
            Notes = notes, Samples = timeline.Entries.Select(e => e.Sample).ToList(), Sampling = timeline.Sampling,
            // The offsets carry the order on a narrow terminal; the operation keeps its room.
            DropFirst = ["Audit ID", "How related", "Time (UTC)", "Trace"],
        };
    }
}
