using Kubetrace.Kubernetes.Catalog;
using Kubetrace.Tests.TestSupport;

namespace Kubetrace.Tests.Kubernetes.Catalog;

/// <summary>docs/catalog.md is the catalog in code, rendered: the page and the code cannot drift apart.</summary>
public sealed class CatalogDocsTests
{
    [Fact]
    public void Docs_catalog_md_is_the_rendered_catalog()
    {
        var page = File.ReadAllText(Path.Combine(RepoPaths.Root, "docs", "catalog.md")).ReplaceLineEndings("\n");

        Assert.True(page == CatalogMarkdown.Render(),
            "docs/catalog.md differs from the catalog in src/Kubetrace/Kubernetes/Catalog/: regenerate it with " +
            "`dotnet run --project src/Kubetrace -- k8s catalog > docs/catalog.md`");
    }

    [Fact]
    public void Every_catalog_row_cites_the_upstream_source_at_a_tag()
    {
        Assert.All(SpanCatalog.Spans, span =>
        {
            Assert.NotEmpty(span.Sources);
            Assert.All(span.Sources, s => Assert.Matches(@"^[\w.-]+/[\w.-]+@\S+:\S+#L[1-9]\d*", s.ToString()));
        });
        Assert.All(SpanCatalog.Components, c => Assert.NotEmpty(c.Sources));
        Assert.All(FlowCatalog.Steps, step =>
        {
            Assert.NotEmpty(step.Sources);
            Assert.All(step.Sources, s => Assert.Matches(@"^[\w.-]+/[\w.-]+@\S+:\S+#L[1-9]\d*", s.ToString()));
        });
    }
}
