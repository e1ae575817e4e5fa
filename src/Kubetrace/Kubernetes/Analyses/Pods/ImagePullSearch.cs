using Kubetrace.Analysis;
using Kubetrace.Kubernetes.Semantics;
using static Kubetrace.Analysis.TraceQlText;

namespace Kubetrace.Kubernetes.Analyses.Pods;

/// <summary>
/// The search for a <c>pods --by image</c> row's pulls: kubelet's <c>ImageService/PullImage</c> calls that name the
/// image themselves, or name none and have a span below them that does (containerd's, which the image is read from
/// on 1.7 and 2.x), as <see cref="PodStartupState"/> reads them; the image is <c>container.image.name</c>, else
/// <c>image.ref</c>. A TraceQL query: the name may be on a span below the one measured.
/// </summary>
/// <remarks>
/// Every kubelet pull is found; the analysis counts those under a start-up <c>syncPod</c> or, on 1.28–1.29, at a
/// trace's root, which is where kubelet makes them.
/// </remarks>
internal static class ImagePullSearch
{
    private static readonly string Pull = All($"resource.service.name = {Quote("kubelet")}", $"name =~ {Quote(".*ImageService/PullImage")}");

    public static RowSearch Of(string image)
    {
        var named = Normalised(K8sKeys.Image, key => Equal(key, image));
        return RowSearch.Query($"{Filter(Pull, named)} || ({Filter(named)} << {Filter(Pull, NormalisedAbsent(K8sKeys.Image))})");
    }
}
