using Kubetrace.Kubernetes.Catalog;
using Kubetrace.Kubernetes.Simulation;
using Kubetrace.Otlp.Proto.Trace;
using S = Kubetrace.Kubernetes.Catalog.ApiserverSpans;

namespace Kubetrace.Tests.Kubernetes.Simulation;

/// <summary>
/// The simulator emits kube-apiserver's request path as the catalog (read from the upstream source) says each
/// release does: every emitted span of a catalog name matches a shape of that release (name, kind, scope,
/// attribute keys, event names), every shape of the release is emitted, and the spans hang and end as the code
/// makes them (authentication, nested filters, the 1.33 server span, SerializeObject, watches, the trust rule).
/// </summary>
public sealed class ApiserverCatalogConformanceTests
{
    public static TheoryData<string> Releases => new("1.27", "1.28", "1.29", "1.30", "1.31", "1.32", "1.33", "1.34", "1.35", "1.36");

    private static readonly Dictionary<string, SimulatedSpans> Runs = [];

    private static SimulatedSpans Simulate(string version)
    {
        lock (Runs)
        {
            if (!Runs.TryGetValue(version, out var run))
                Runs[version] = run = SimulatedSpans.Run(new SimulationOptions
                {
                    KubernetesVersion = KubernetesVersion.Parse(version),
                    RequestsPerSecond = 100,
                    Duration = TimeSpan.FromSeconds(20),
                    Scenarios = SimulationScenario.SlowWebhook | SimulationScenario.FailingWebhook | SimulationScenario.ApfThrottling,
                });
            return run;
        }
    }

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
    [MemberData(nameof(Releases))]
    public void Spans_hang_and_end_as_the_release_builds_them(string version)
    {
        var run = Simulate(version);
        var minor = KubernetesVersion.Parse(version).Minor;
        var apiserver = run.Of(S.Component).ToList();
        var handlers = apiserver.Where(s => S.IsHandler(s.Name)).ToList();
        var authentications = apiserver.Where(s => s.Name == S.Authentication).ToList();

        Assert.NotEmpty(handlers);
        if (minor <= 32)
        {
            Assert.All(authentications, a => Assert.Equal(SpanKind(run.Parent(a)), Span.Types.SpanKind.Server));
            Assert.All(handlers, h => Assert.Equal(S.Authentication, run.Parent(h)?.Name));
        }
        else
        {
            Assert.All(authentications, a => Assert.True(a.Span.ParentSpanId.IsEmpty, "authentication is a trace of its own"));
            if (minor == 33) Assert.All(handlers, h => Assert.Equal(Span.Types.SpanKind.Server, SpanKind(run.Parent(h))));
            else Assert.All(handlers, h => Assert.Equal(S.Authorization, run.Parent(h)?.Name));
        }
        var serializeParents = apiserver.Where(s => s.Name == S.SerializeObject).Select(s => run.Parent(s)!.Name).ToList();
        Assert.NotEmpty(serializeParents);
        if (minor <= 31) Assert.All(serializeParents, p => Assert.Equal(S.Authentication, p)); // the handler's sibling
        else Assert.All(serializeParents, p => Assert.True(S.IsHandler(p), p));
        var servers = apiserver.Where(s => s.Kind == Span.Types.SpanKind.Server).ToList();
        if (minor == 33)
        {
            Assert.All(servers, s => Assert.Null(s.Attr("http.status_code")));
            Assert.Contains(handlers, h => h.Span.EndTimeUnixNano > run.Parent(h)!.Span.EndTimeUnixNano); // ended after audit, before the handler
        }
        else
            Assert.All(servers, s => Assert.NotNull(s.Attr(minor >= 35 ? "http.response.status_code" : "http.status_code")));
        if (minor >= 34)
        {
            // Every filter span ends when the request ends: after the handler under it.
            foreach (var handler in handlers)
                for (var filter = run.Parent(handler); filter is not null && S.IsFilter(filter.Name); filter = run.Parent(filter))
                    Assert.True(filter.Span.EndTimeUnixNano >= handler.Span.EndTimeUnixNano, $"{filter.Name} ends before its {handler.Name}");
        }
    }

    private static Span.Types.SpanKind? SpanKind(EmittedSpan? span) => span?.Kind;

    [Theory]
    [MemberData(nameof(Releases))]
    public void Watches_have_no_handler_span_except_1_36s_streaming_lists(string version)
    {
        var run = Simulate(version);
        var minor = KubernetesVersion.Parse(version).Minor;
        Assert.True(run.Report.Watches > 0);

        var watchHandlers = run.Of(S.Component).Where(s => S.IsHandler(s.Name) && s.Attr(ApiserverKeys.Verb) == "WATCH").ToList();
        if (minor <= 35) Assert.Empty(watchHandlers);
        else Assert.All(watchHandlers, h => Assert.Equal(S.WatchList, h.Name));
        Assert.Equal(minor >= 36, run.Of(S.Component).Any(s => s.Name == S.WatchServer));
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
