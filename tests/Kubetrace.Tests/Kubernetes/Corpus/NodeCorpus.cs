using Kubetrace.Otlp.Proto.Collector;
using Kubetrace.Otlp.Json;
using Kubetrace.Tests.TestSupport;

namespace Kubetrace.Tests.Kubernetes.Corpus;

/// <summary>
/// The node corpus: OTLP/JSON traces of the kubelet and containerd built span by span from the upstream source of
/// each release (tests/Kubetrace.Tests/TestData/Upstream/node/&lt;kubernetes&gt;-containerd-&lt;version&gt;/, each
/// folder's README cites the lines and states the planted truth).
/// </summary>
internal static class NodeCorpus
{
    public static string Folder(string release) => Path.Combine(RepoPaths.Root, "tests", "Kubetrace.Tests", "TestData", "Upstream", "node", release);

    /// <summary>Every file of a release's folder, as the export requests a component would send.</summary>
    public static IReadOnlyList<ExportTraceServiceRequest> Requests(string release, string? file = null) =>
        Directory.GetFiles(Folder(release), file ?? "*.json").Order(StringComparer.Ordinal)
            .Select(path => OtlpJson.ParseRequest(File.ReadAllBytes(path))).ToList();
}
