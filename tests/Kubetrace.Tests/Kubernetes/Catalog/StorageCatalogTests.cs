using Kubetrace.Kubernetes.Catalog;
using SpanKind = Kubetrace.Otlp.Proto.Trace.Span.Types.SpanKind;

namespace Kubetrace.Tests.Kubernetes.Catalog;

/// <summary>
/// The storage layer's and etcd's catalog holds together: every release has exactly one shape of each span it
/// emits, every row cites the upstream source, and the per-release facts the simulator and analyses rely on are
/// the ones read from the source (see the catalog's citations).
/// </summary>
public sealed class StorageCatalogTests
{
    private static readonly IEnumerable<int> Minors = Enumerable.Range(27, 10);

    private static IEnumerable<ComponentRelease> EtcdReleases =>
        new[] { (5, 0), (5, 4), (5, 5), (5, 10), (5, 11), (5, 21), (6, 0), (6, 8), (7, 0), (7, 1) }.Select(r => ComponentRelease.Etcd(r.Item1, r.Item2));

    [Fact]
    public void Every_storage_and_etcd_row_cites_the_upstream_source_at_a_tag()
    {
        Assert.All([.. ApiserverStorageCatalog.Spans, .. EtcdCatalog.Spans], shape =>
        {
            Assert.NotEmpty(shape.Sources);
            Assert.All(shape.Sources, s => Assert.True(s.Line > 0 && s.Path.Length > 0 && s.Tag.Length > 0, s.ToString()));
        });
        Assert.All(EtcdCatalog.Components, c => Assert.NotEmpty(c.Sources));
    }

    [Fact]
    public void Each_kubernetes_release_has_one_shape_per_storage_span_and_one_etcd_client_shape()
    {
        foreach (var minor in Minors)
        {
            var release = ComponentRelease.Kubernetes(minor);
            var shapes = ApiserverStorageCatalog.Spans.Where(s => s.Releases.Contains(release)).ToList();
            Assert.Equal(shapes.Count, shapes.Select(s => (s.Name, s.Kind)).Distinct().Count());
            Assert.Single(shapes, s => s.Kind == SpanKind.Client);
            Assert.Single(shapes, s => StorageNames.IsCacherList(s.Name));
            Assert.Equal(minor <= 31 ? StorageNames.CacherListOld : StorageNames.CacherGetList, StorageNames.CacherList(release));
            Assert.Equal(minor >= 32, shapes.Any(s => s.Name == StorageNames.CacherGet));
            Assert.Equal(minor >= 36, shapes.Any(s => s.Name == StorageNames.CacherWatch));
            Assert.Equal(minor >= 29, shapes.Any(s => s.Name == StorageNames.TransformFromStorage));
            Assert.DoesNotContain(shapes, s => s.Name is "Get etcd3" or "Delete etcd3"); // store.Get and store.Delete have no span
        }
    }

    [Theory]
    [InlineData(27, new[] { "audit-id", "key", "type", "resource" })]
    [InlineData(33, new[] { "audit-id", "key", "type", "resource" })]
    [InlineData(34, new[] { "audit-id", "key", "type", "group", "resource" })]
    [InlineData(36, new[] { "audit-id", "key", "type", "group", "resource" })]
    public void Write_spans_name_the_resource_as_group_resource_through_1_33_and_apart_from_1_34(int minor, string[] keys)
    {
        var release = ComponentRelease.Kubernetes(minor);
        foreach (var name in new[] { StorageNames.Create, StorageNames.GuaranteedUpdate })
        {
            var shape = Assert.Single(SpanCatalog.SpansOf("apiserver", release), s => s.Name == name);
            Assert.Equal(keys.Order(), shape.AttributesIn(release).Select(a => a.Key).Order());
        }
    }

    [Fact]
    public void Each_etcd_release_has_one_tracing_rule_one_server_shape_and_request_spans_only_from_3_7()
    {
        foreach (var release in EtcdReleases)
        {
            Assert.Single(EtcdCatalog.Components, c => c.Releases.Contains(release));
            Assert.Single(EtcdCatalog.Spans, s => s.Kind == SpanKind.Server && s.Releases.Contains(release));
            var requests = EtcdCatalog.Spans.Where(s => s.Kind == SpanKind.Internal && s.Releases.Contains(release)).Select(s => s.Name).ToHashSet();
            Assert.Equal(release >= ComponentRelease.Etcd(7, 0), requests.Contains(EtcdNames.Txn));
        }
        var txn = Assert.Single(EtcdCatalog.Spans, s => s.Name == EtcdNames.Txn);
        Assert.Contains(EtcdKeys.CompareFirstKey, txn.Attributes.Select(a => a.Key));
        Assert.Contains("No nested `put`", txn.Note);
    }

    [Theory]
    [InlineData(0, EtcdSampling.AlwaysOnRoots)]
    [InlineData(4, EtcdSampling.AlwaysOnRoots)]
    [InlineData(5, EtcdSampling.NeverRoots)]
    [InlineData(10, EtcdSampling.NeverRoots)]
    [InlineData(11, EtcdSampling.RatioRoots)]
    [InlineData(12, EtcdSampling.RatioRoots)]
    public void The_etcd_3_5_sampler_changes_at_3_5_5_and_3_5_11(int patch, EtcdSampling sampling)
    {
        var release = ComponentRelease.Etcd(5, patch);
        Assert.Equal(sampling, EtcdCatalog.SamplingOf(release));
        var rule = Assert.Single(EtcdCatalog.Components, c => c.Releases.Contains(release));
        Assert.Contains(sampling switch
        {
            EtcdSampling.AlwaysOnRoots => "AlwaysOn",
            EtcdSampling.NeverRoots => "NeverSample",
            _ => "TraceIDRatioBased",
        }, rule.Sampler);
    }

    [Fact]
    public void Etcd_ranges_print_their_last_patch_as_x() =>
        Assert.Equal("3.5.11–3.5.x", EtcdCatalog.Range(5, 11, 5).ToString());
}
