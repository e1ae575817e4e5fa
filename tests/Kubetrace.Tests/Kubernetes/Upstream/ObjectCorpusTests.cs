using Kubetrace.Kubernetes.Analyses.Objects;
using Kubetrace.Storage;
using Kubetrace.Tests.Storage;

namespace Kubetrace.Tests.Kubernetes.Upstream;

/// <summary>
/// <c>object</c> on upstream-shaped traces of every release: the pod's create and its GETs are on its timeline,
/// whether the handler spans name it (1.29+), or only its request path and storage key do (1.27/1.28; storage keys
/// are recorded without the /registry prefix).
/// </summary>
public sealed class ObjectCorpusTests
{
    [Theory]
    [MemberData(nameof(UpstreamCorpus.ApiserverReleases), MemberType = typeof(UpstreamCorpus))]
    public async Task The_pods_create_and_reads_are_on_its_timeline_in_every_release(string release)
    {
        await using var store = new TempStore();
        foreach (var request in UpstreamCorpus.Requests("apiserver", release)) await store.AppendAsync(request);

        var timeline = await ObjectAnalysis.AnalyseAsync(store.Store, TimeRange.All, ObjectRef.Parse("shop/web-7f9c"), null, 100, CancellationToken.None);

        var handlers = timeline.Entries.Where(e => e.SpanName is "Create" or "Get").Select(e => e.SpanName).ToList();
        Assert.Equal(1, handlers.Count(h => h == "Create"));
        Assert.Equal(int.Parse(release.Split('.')[1], System.Globalization.CultureInfo.InvariantCulture) >= 33 ? 3 : 2, handlers.Count(h => h == "Get"));
        Assert.Contains(timeline.Entries, e => e.SpanName == "Call validating webhook");
        Assert.DoesNotContain(timeline.Entries, e => e.SpanName == "List"); // the namespace's list is not about the pod
    }
}
