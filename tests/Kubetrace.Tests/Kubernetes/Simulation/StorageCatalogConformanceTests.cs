using System.Text.RegularExpressions;
using Kubetrace.Kubernetes.Catalog;
using Kubetrace.Kubernetes.Simulation;
using SpanKind = Kubetrace.Otlp.Proto.Trace.Span.Types.SpanKind;

namespace Kubetrace.Tests.Kubernetes.Simulation;

/// <summary>
/// The simulator's storage layer and etcd, per release, against the catalog read from the upstream source
/// (<see cref="ApiserverStorageCatalog"/>, <see cref="EtcdCatalog"/>): every such span it emits is a catalog shape
/// of that release, with the shape's scope, no attribute or event the shape lacks and every attribute the shape
/// requires; and every shape of the release that the simulated traffic exercises is emitted.
/// </summary>
public sealed class StorageCatalogConformanceTests
{
    /// <summary>Shapes the simulated cluster never exercises: etcd's Put and DeleteRange (the apiserver writes through Txn).</summary>
    private static readonly HashSet<string> NotExercised = [EtcdNames.Put, EtcdNames.DeleteRange];

    public static TheoryData<int, string?> Releases => new()
    {
        { 27, null }, { 28, "3.5.3" }, { 29, null }, { 31, null }, { 32, null }, { 33, "3.5.11" }, { 34, null }, { 35, "3.7" }, { 36, "3.7.0" },
    };

    /// <summary>The spans this catalog describes: the apiserver's storage layer and etcd client, and everything etcd emits.</summary>
    internal static bool IsStorageOrEtcd(EmittedSpan span) =>
        span.Service == "etcd" ||
        span.Service == "apiserver" && (span.Name.EndsWith(" etcd3", StringComparison.Ordinal) || span.Name.StartsWith("cacher", StringComparison.Ordinal) ||
                                        span.Name.StartsWith("Transform", StringComparison.Ordinal) || span.Name.StartsWith("etcdserverpb.", StringComparison.Ordinal));

    [Theory]
    [MemberData(nameof(Releases))]
    public void Every_storage_and_etcd_span_is_a_catalog_shape_of_its_release_and_every_exercised_shape_appears(int minor, string? etcdText)
    {
        var etcd = etcdText is null ? EtcdVersion.PinnedBy(new KubernetesVersion(1, minor)) : Parse(etcdText);
        var simulated = SimulatedSpans.Run(new SimulationOptions
        {
            KubernetesVersion = new KubernetesVersion(1, minor), Etcd = etcd, KmsEncryption = true, RequestsPerSecond = 80,
            Duration = TimeSpan.FromSeconds(40), Scenarios = SimulationScenario.EtcdSlow | SimulationScenario.KmsSlow,
        });
        var kubernetes = ComponentRelease.Kubernetes(minor);
        var seen = new HashSet<SpanShape>();

        foreach (var span in simulated.Spans.Where(IsStorageOrEtcd))
        {
            var release = span.Service == "etcd" ? etcd.Release : kubernetes;
            var shape = Assert.Single(SpanCatalog.SpansOf(span.Service, release), s => s.Kind == span.Kind && Matches(s.Name, span.Name));
            seen.Add(shape);
            Assert.Equal(shape.Scope, span.Scope);
            var allowed = shape.AttributesIn(release).Select(a => a.Key).ToHashSet();
            var required = shape.AttributesIn(release).Where(a => !a.Optional).Select(a => a.Key).ToHashSet();
            var keys = span.AttributeKeys.ToHashSet();
            Assert.True(keys.IsSubsetOf(allowed), $"{span.Name} {release}: [{string.Join(", ", keys.Except(allowed))}] are not in the catalog");
            Assert.True(required.IsSubsetOf(keys), $"{span.Name} {release}: [{string.Join(", ", required.Except(keys))}] missing");
            var events = shape.EventsIn(release).ToDictionary(e => e.Name, e => e.AttributeKeys.ToHashSet());
            foreach (var e in span.Span.Events)
            {
                Assert.True(events.TryGetValue(e.Name, out var eventKeys), $"{span.Name} {release}: event \"{e.Name}\" is not in the catalog");
                Assert.True(e.Attributes.Select(a => a.Key).ToHashSet().SetEquals(eventKeys), $"{span.Name} {release}: event \"{e.Name}\" has other keys");
            }
        }

        // otelgrpc records a message event each way on every etcd client span, in every release (with sizes or not).
        Assert.All(simulated.Of("apiserver").Where(s => s.Kind == SpanKind.Client && s.Name.StartsWith("etcdserverpb.", StringComparison.Ordinal) && s.Name != "etcdserverpb.Watch/Watch"),
            s => Assert.Equal(["message", "message"], s.Span.Events.Select(e => e.Name)));
        var expected = ApiserverStorageCatalog.Spans.Where(s => s.Releases.Contains(kubernetes)).Concat(SpanCatalog.SpansOf("etcd", etcd.Release))
            .Where(s => !NotExercised.Contains(s.Name) && (s.Name != EtcdNames.LeaseRevoke || simulated.Report.End - simulated.Report.Start > TimeSpan.FromSeconds(35)));
        Assert.Empty(expected.Except(seen).Select(s => $"never emitted: {s.Component} {s.Name} ({s.Releases})"));
    }

    [Fact]
    public void Keys_are_recorded_without_the_registry_prefix_nodes_as_minions_and_pods_binding_is_a_guaranteed_update()
    {
        var simulated = SimulatedSpans.Run(new SimulationOptions { KubernetesVersion = new KubernetesVersion(1, 33), Duration = TimeSpan.FromSeconds(20), RequestsPerSecond = 80 });
        var storage = simulated.Of("apiserver").Where(s => s.Name.EndsWith(" etcd3", StringComparison.Ordinal)).ToList();

        Assert.All(storage, s => Assert.DoesNotContain("/registry", s.Attr("key"), StringComparison.Ordinal));
        Assert.Contains(storage, s => s.Attr("key")!.StartsWith("/minions/", StringComparison.Ordinal) && s.Attr("resource") == "nodes");
        Assert.Contains(storage, s => s.Attr("resource") == "leases.coordination.k8s.io"); // group.resource through 1.33
        var bindings = simulated.Of("apiserver").Where(s => s.Attr("subresource") == "binding" && s.Name == "Create").ToList();
        Assert.NotEmpty(bindings);
        Assert.All(bindings, b =>
        {
            var write = Assert.Single(storage, s => s.TraceId == b.TraceId && s.ParentId == b.SpanId);
            Assert.Equal(("GuaranteedUpdate etcd3", "*core.Pod"), (write.Name, write.Attr("type")));
            Assert.Matches("^/pods/[^/]+/[^/]+$", write.Attr("key"));
        });
    }

    [Theory]
    [InlineData("3.5.0", EtcdSampling.AlwaysOnRoots)]
    [InlineData("3.5.4", EtcdSampling.AlwaysOnRoots)]
    [InlineData("3.5.5", EtcdSampling.NeverRoots)]
    [InlineData("3.5.10", EtcdSampling.NeverRoots)]
    [InlineData("3.5.11", EtcdSampling.RatioRoots)]
    [InlineData("3.5", EtcdSampling.RatioRoots)]
    [InlineData("3.6.4", EtcdSampling.RatioRoots)]
    [InlineData("v3.7.0", EtcdSampling.RatioRoots)]
    public void Etcd_versions_parse_to_the_patch_and_sample_roots_as_that_patch_does(string text, EtcdSampling sampling) =>
        Assert.Equal(sampling, Parse(text).Sampling);

    [Theory]
    [InlineData("3.4")]
    [InlineData("3.8.0")]
    [InlineData("4.0")]
    [InlineData("3.5.x")]
    public void Other_etcd_versions_are_refused(string text) => Assert.False(EtcdVersions.TryParse(text, out _));

    [Fact]
    public void Etcd_3_7_samples_its_own_root_spans_by_its_rate()
    {
        static SimulatedSpans Run(int rate) => SimulatedSpans.Run(new SimulationOptions
        {
            KubernetesVersion = new KubernetesVersion(1, 36), Etcd = EtcdVersion.V3_7, SamplingRatePerMillion = rate, RequestsPerSecond = 5, Duration = TimeSpan.FromSeconds(100),
        });

        var revokes = Run(1_000_000).Of("etcd").Where(s => s.Name == "lease_revoke").ToList();
        Assert.Equal(2, revokes.Count); // each minute from +35 s
        Assert.All(revokes, r => Assert.Equal("", r.ParentId));
        Assert.DoesNotContain(Run(0).Spans, s => s.Name == "lease_revoke");
    }

    private static EtcdVersion Parse(string text) => EtcdVersions.TryParse(text, out var version) ? version : throw new ArgumentException(text);

    /// <summary>A catalog name matches a span name literally, or with each <c>&lt;…&gt;</c> standing for any text.</summary>
    private static bool Matches(string pattern, string name) =>
        pattern.Contains('<')
            ? Regex.IsMatch(name, "^" + Regex.Replace(Regex.Escape(pattern), @"<[^>]*>", ".+") + "$")
            : pattern == name;
}
