using Kubetrace.Kubernetes.Catalog;
using Kubetrace.Kubernetes.Simulation;
using Kubetrace.Otlp.Proto.Trace;
using S = Kubetrace.Kubernetes.Catalog.ApiserverSpans;

namespace Kubetrace.Tests.Kubernetes.Simulation;

/// <summary>
/// The simulator emits kube-apiserver's request path as the catalog (read from the upstream source) says each
/// release does: every emitted span of a catalog name matches a shape of that release (name, kind, scope,
/// attribute keys, event names), every shape of the release is emitted, and the trust rule and the instance ID are
/// the code's. How the spans hang and end per release: <see cref="ApiserverReleaseRowTests"/>.
/// </summary>
public sealed class ApiserverCatalogConformanceTests
{
    public static TheoryData<string> Releases => new("1.27", "1.28", "1.29", "1.30", "1.31", "1.32", "1.33", "1.34", "1.35", "1.36");

    private static SimulatedSpans Simulate(string version) => SimulatedReleases.Of(version,
        SimulationScenario.SlowWebhook | SimulationScenario.FailingWebhook | SimulationScenario.ApfThrottling, seconds: 20);

    private static bool InCatalog(EmittedSpan span) =>
        span.Service == S.Component && ApiserverCatalog.Spans.Any(shape => shape.NameMatches(span.Name));

    [Theory]
    [MemberData(nameof(Releases))]
    public void Every_emitted_request_path_span_matches_a_catalog_shape_of_its_release(string version)
    {
        var release = KubernetesVersion.Parse(version).Release;
        var shapes = SpanCatalog.SpansOf(S.Component, release).Where(s => ApiserverCatalog.Spans.Contains(s)).ToList();
        var problems = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var span in Simulate(version).Spans.Where(InCatalog))
        {
            var candidates = shapes.Where(s => s.NameMatches(span.Name) && s.Kind == span.Kind && s.Scope == span.Scope).ToList();
            if (candidates.Count == 0)
            {
                problems.Add($"{span.Name} ({span.Kind}, {span.Scope}): no shape in {version}");
                continue;
            }
            var keys = span.AttributeKeys.ToHashSet(StringComparer.Ordinal);
            var events = span.Span.Events.Select(e => e.Name).ToHashSet(StringComparer.Ordinal);
            if (!candidates.Any(shape => Fits(shape, release, keys, events)))
                problems.Add($"{span.Name}: keys [{string.Join(", ", keys.Order(StringComparer.Ordinal))}], events [{string.Join(", ", events.Order(StringComparer.Ordinal))}] " +
                    $"fit none of {version}'s shapes: [{string.Join(" | ", candidates.Select(c => string.Join(", ", c.AttributesIn(release).Select(a => a.Key))))}]");
        }
        Assert.Empty(problems);
    }

    private static bool Fits(SpanShape shape, ComponentRelease release, HashSet<string> keys, HashSet<string> events)
    {
        var allowed = shape.AttributesIn(release).ToList();
        return keys.All(k => allowed.Any(a => a.Key == k))
            && allowed.Where(a => !a.Optional).All(a => keys.Contains(a.Key))
            && events.All(e => shape.EventsIn(release).Any(shapeEvent => shapeEvent.Name == e));
    }

    [Theory]
    [MemberData(nameof(Releases))]
    public void Every_catalog_shape_of_the_release_is_emitted(string version)
    {
        var release = KubernetesVersion.Parse(version).Release;
        var spans = Simulate(version).Spans.Where(InCatalog).ToList();

        var missing = ApiserverCatalog.Spans.Where(shape => shape.Releases.Contains(release))
            .Where(shape => !spans.Any(s => shape.NameMatches(s.Name) && s.Kind == shape.Kind && s.Scope == shape.Scope))
            .Select(shape => $"{shape.Name} ({shape.Releases})");
        Assert.Empty(missing);
    }

    [Theory]
    [InlineData("1.32", false)]
    [InlineData("1.33", true)]
    public void A_system_masters_callers_traceparent_is_followed_from_1_33(string version, bool followed)
    {
        var run = Simulate(version);
        var deployer = run.Of("platform-deployer").Where(s => s.Kind == Span.Types.SpanKind.Client).ToList();
        Assert.NotEmpty(deployer);

        var servers = run.Of(S.Component).Where(s => s.Kind == Span.Types.SpanKind.Server).ToList();
        var children = servers.Where(s => deployer.Any(d => d.TraceId == s.TraceId && d.SpanId == s.ParentId)).ToList();
        var linked = servers.Where(s => s.Span.Links.Any(l => deployer.Any(d => d.Span.TraceId == l.TraceId && d.Span.SpanId == l.SpanId))).ToList();
        Assert.Equal(followed, children.Count > 0);
        Assert.Equal(!followed, linked.Count > 0);
    }

    [Fact]
    public void The_apiservers_instance_id_is_36_characters_from_16_hash_bytes()
    {
        Assert.Matches("^apiserver-[a-z2-7]{26}$", SimulatedCluster.ApiserverId("control-plane-1"));
        // pkg/server/config.go: cryptobyte length-prefixed host name and "kube-apiserver", SHA-256, first 16 bytes.
        var data = new byte[] { 0, 15 }.Concat("control-plane-1"u8.ToArray()).Concat(new byte[] { 0, 14 }).Concat("kube-apiserver"u8.ToArray()).ToArray();
        var expected = "apiserver-" + Base32(System.Security.Cryptography.SHA256.HashData(data)[..16]);
        Assert.Equal(expected, SimulatedCluster.ApiserverId("control-plane-1"));
    }

    private static string Base32(byte[] bytes)
    {
        // RFC 4648 base32, lower case, no padding: Go's base32.StdEncoding.WithPadding(NoPadding) then ToLower.
        var bits = string.Concat(bytes.Select(b => Convert.ToString(b, 2).PadLeft(8, '0')));
        bits = bits.PadRight((bits.Length + 4) / 5 * 5, '0');
        return string.Concat(Enumerable.Range(0, bits.Length / 5).Select(i => "abcdefghijklmnopqrstuvwxyz234567"[Convert.ToInt32(bits.Substring(i * 5, 5), 2)]));
    }
}
