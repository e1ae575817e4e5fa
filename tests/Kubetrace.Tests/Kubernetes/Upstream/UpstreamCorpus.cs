using Kubetrace.Otlp.Json;
using Kubetrace.Otlp.Proto.Collector;
using Kubetrace.Otlp.Proto.Trace;
using Kubetrace.Storage;
using Kubetrace.Storage.Scan;
using Kubetrace.Tests.TestSupport;

namespace Kubetrace.Tests.Kubernetes.Upstream;

/// <summary>
/// The upstream-shaped traces of tests/Kubetrace.Tests/TestData/Upstream/&lt;component&gt;/&lt;release&gt;/ (OTLP/JSON, built
/// after the upstream source, never by the simulator; each folder's README names the lines and the planted truth),
/// read through the project's OTLP JSON codec and handed to analyses as a scan would.
/// </summary>
internal static class UpstreamCorpus
{
    /// <summary>The kube-apiserver releases the corpus holds.</summary>
    public static TheoryData<string> ApiserverReleases => new("1.27", "1.28", "1.29", "1.30", "1.31", "1.32", "1.33", "1.34", "1.35", "1.36");

    public static string Folder(string component, string release) =>
        Path.Combine(RepoPaths.Root, "tests", "Kubetrace.Tests", "TestData", "Upstream", component, release);

    /// <summary>One file of the corpus as the export request it is.</summary>
    public static ExportTraceServiceRequest Request(string component, string release, string file) =>
        OtlpJson.ParseRequest(File.ReadAllBytes(Path.Combine(Folder(component, release), file + ".json")));

    /// <summary>Every file of a release folder, in name order.</summary>
    public static IReadOnlyList<ExportTraceServiceRequest> Requests(string component, string release) =>
        Directory.GetFiles(Folder(component, release), "*.json").Order(StringComparer.Ordinal)
            .Select(path => OtlpJson.ParseRequest(File.ReadAllBytes(path))).ToList();

    /// <summary>The traces of <paramref name="requests"/>, each as a scan asking <paramref name="scan"/> hands it over.</summary>
    public static IEnumerable<ScannedTrace> Traces(IEnumerable<ExportTraceServiceRequest> requests, SpanScanRequest scan)
    {
        var byTrace = new Dictionary<TraceId, List<ResourceSpans>>();
        foreach (var request in requests)
        foreach (var resource in request.ResourceSpans)
        foreach (var scope in resource.ScopeSpans)
        foreach (var span in scope.Spans)
        {
            var id = TraceId.FromByteString(span.TraceId);
            if (!byTrace.TryGetValue(id, out var list)) byTrace.Add(id, list = []);
            var holder = new ResourceSpans { Resource = resource.Resource };
            holder.ScopeSpans.Add(new ScopeSpans { Scope = scope.Scope, Spans = { span } });
            list.Add(holder);
        }
        foreach (var (id, spans) in byTrace)
        {
            var trace = new ScannedTrace();
            TraceObjectScan.Fill(trace, id, spans, scan);
            yield return trace;
        }
    }
}
