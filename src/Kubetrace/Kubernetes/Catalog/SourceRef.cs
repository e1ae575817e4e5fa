namespace Kubetrace.Kubernetes.Catalog;

/// <summary>
/// Where the upstream code that builds a span (or sets an attribute, or ends the span) is: repository, release tag,
/// file and line at that tag, e.g. <c>kubernetes/apiserver@v0.34.0:pkg/endpoints/filterlatency/filterlatency.go#L76</c>.
/// </summary>
public sealed record SourceRef(string Repository, string Tag, string Path, int Line, string? What = null)
{
    public override string ToString() => $"{Repository}@{Tag}:{Path}#L{Line}" + (What is null ? "" : $" ({What})");
}
