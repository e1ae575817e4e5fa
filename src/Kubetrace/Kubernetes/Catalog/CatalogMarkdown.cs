using System.Text;

namespace Kubetrace.Kubernetes.Catalog;

/// <summary>
/// Renders the catalog as docs/catalog.md (<c>kubetrace k8s catalog</c> prints it); a test keeps the committed page
/// equal to this output, so the page and the code cannot drift apart.
/// </summary>
public static class CatalogMarkdown
{
    private static readonly string[] ComponentOrder = ["apiserver", "etcd", "kubelet", "containerd"];

    public static string Render()
    {
        var md = new StringBuilder();
        md.Append("# What each release of each component emits\n\n");
        md.Append("Generated from `src/Kubetrace/Kubernetes/Catalog/` by `kubetrace k8s catalog`; do not edit by hand\n");
        md.Append("(`CatalogDocsTests` fails when this page and the code differ). Every row cites the upstream source at the\n");
        md.Append("release tag: `repository@tag:path#Lline`. The simulator emits these shapes and the analyses read them.\n");
        foreach (var component in ComponentOrder)
        {
            md.Append($"\n## {component}\n");
            foreach (var tracing in SpanCatalog.Components.Where(c => c.Component == component))
            {
                md.Append($"\n### {component} {tracing.Releases}: resource, sampling, incoming context\n\n");
                md.Append($"- Resource: {Keys(tracing.Resource)}\n");
                md.Append($"- Sampler: {tracing.Sampler}\n");
                md.Append($"- Incoming trace context: {tracing.IncomingContext}\n");
                if (tracing.Note is { } note) md.Append($"- Note: {note}\n");
                md.Append($"- Source: {Sources(tracing.Sources)}\n");
            }
            foreach (var span in SpanCatalog.Spans.Where(s => s.Component == component))
            {
                md.Append($"\n### `{span.Name}` ({span.Kind.ToString().ToLowerInvariant()}, {component} {span.Releases})\n\n");
                md.Append($"- Scope: `{span.Scope}`\n");
                md.Append($"- Parent: {span.Parent}\n");
                md.Append($"- Ends: {span.Ends}\n");
                if (span.Attributes.Count > 0) md.Append($"- Attributes: {Keys(span.Attributes)}\n");
                foreach (var e in span.Events)
                    md.Append($"- Event `{e.Name}`{(e.Releases is { } r ? $" ({r})" : "")}" +
                              $"{(e.AttributeKeys.Count > 0 ? ": " + string.Join(", ", e.AttributeKeys.Select(k => $"`{k}`")) : "")}" +
                              $"{(e.When is { } w ? $" — {w}" : "")}\n");
                if (span.Note is { } note) md.Append($"- Note: {note}\n");
                md.Append($"- Source: {Sources(span.Sources)}\n");
            }
        }
        md.Append("\n## The flow of one action: what joins each step\n\n");
        md.Append("What `analyze flow` follows from a Deployment's write to its pods' containers, and the only joins it uses.\n");
        foreach (var step in FlowCatalog.Steps)
        {
            md.Append($"\n### {step.Step}\n\n");
            md.Append($"- Emitted by: {step.Emitter}\n");
            md.Append($"- Traces: {step.Traces}\n");
            md.Append($"- Joined by: {step.JoinedBy}\n");
            md.Append($"- Source: {Sources(step.Sources)}\n");
        }
        return md.ToString();
    }

    private static string Keys(IEnumerable<AttributeShape> attributes) =>
        string.Join("; ", attributes.Select(a =>
            $"`{a.Key}`{(a.Optional ? " (optional)" : "")} = {a.ValueForm}{(a.Releases is { } r ? $" ({r})" : "")}"));

    private static string Sources(IEnumerable<SourceRef> sources) => string.Join("; ", sources.Select(s => $"`{s}`"));
}
