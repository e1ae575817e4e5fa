using Kubetrace.Kubernetes.Simulation;
using Kubetrace.Otlp.Proto.Trace;

namespace Kubetrace.Tests.Kubernetes.Simulation;

/// <summary>
/// One test per row of issue 9's table that concerns kube-apiserver's request path, on the simulator's output, as
/// the upstream source has it (docs/catalog.md cites the lines). Span names are spelt out here on purpose: these
/// tests state the rows, independently of the catalog constants the simulator writes with.
/// </summary>
public sealed class ApiserverReleaseRowTests
{
    private static SimulatedSpans Simulate(string version) => SimulatedReleases.Of(version, SimulationScenario.SlowWebhook, seconds: 10);

    private static List<EmittedSpan> Apiserver(string version) => Simulate(version).Of("apiserver").ToList();

    private static readonly string[] Handlers = ["Create", "Get", "List", "Update", "Patch", "Delete"];

    [Theory]
    [InlineData("1.27"), InlineData("1.31"), InlineData("1.32")]
    public void Through_1_32_one_authentication_span_is_the_server_spans_child_and_the_handlers_parent(string version)
    {
        var run = Simulate(version);
        var apiserver = Apiserver(version);

        Assert.DoesNotContain(apiserver, s => s.Name is "audit" or "impersonation" or "priorityandfairness" or "authorization");
        var authentication = apiserver.Where(s => s.Name == "authentication").ToList();
        Assert.NotEmpty(authentication);
        Assert.All(authentication, a => Assert.Equal(Span.Types.SpanKind.Server, run.Parent(a)!.Kind));
        Assert.All(apiserver.Where(s => Handlers.Contains(s.Name)), h => Assert.Equal("authentication", run.Parent(h)!.Name));
    }

    [Fact]
    public void In_1_33_authentication_is_a_trace_of_its_own_and_the_audit_filter_ends_the_server_span_without_status()
    {
        var run = Simulate("1.33");
        var apiserver = Apiserver("1.33");

        Assert.All(apiserver.Where(s => s.Name == "authentication"), a => Assert.True(a.Span.ParentSpanId.IsEmpty));
        var servers = apiserver.Where(s => s.Kind == Span.Types.SpanKind.Server).ToList();
        Assert.All(servers, s => Assert.Null(s.Attr("http.status_code")));
        Assert.All(servers, s => Assert.False(s.IsError));
        var handlers = apiserver.Where(s => Handlers.Contains(s.Name)).ToList();
        Assert.All(handlers, h => Assert.True(h.Span.StartTimeUnixNano >= run.Parent(h)!.Span.EndTimeUnixNano, "the server span ended before its handler started"));
    }

    [Theory]
    [InlineData("1.34"), InlineData("1.36")]
    public void From_1_34_filter_spans_nest_and_end_with_the_request_and_authentication_is_apart(string version)
    {
        var run = Simulate(version);
        var apiserver = Apiserver(version);

        foreach (var handler in apiserver.Where(s => Handlers.Contains(s.Name)))
        {
            var chain = new List<string>();
            for (var span = run.Parent(handler); span is not null && span.Kind != Span.Types.SpanKind.Server; span = run.Parent(span))
            {
                chain.Add(span.Name);
                Assert.True(span.Span.EndTimeUnixNano >= handler.Span.EndTimeUnixNano, $"{span.Name} ended before {handler.Name}");
            }
            Assert.Equal(["authorization", "priorityandfairness", "impersonation", "audit"], chain);
        }
        Assert.All(apiserver.Where(s => s.Name == "authentication"), a => Assert.True(a.Span.ParentSpanId.IsEmpty));
    }

    [Theory]
    [InlineData("1.27", false), InlineData("1.31", false), InlineData("1.32", true), InlineData("1.36", true)]
    public void SerializeObject_is_the_handlers_sibling_through_1_31_and_its_child_from_1_32(string version, bool child)
    {
        var run = Simulate(version);

        var parents = Apiserver(version).Where(s => s.Name == "SerializeObject").Select(s => run.Parent(s)!.Name).Distinct().ToList();
        Assert.NotEmpty(parents);
        Assert.All(parents, p => Assert.Equal(child, Handlers.Contains(p)));
    }

    [Theory]
    [InlineData("1.27", false), InlineData("1.28", false), InlineData("1.29", true), InlineData("1.34", true)]
    public void Handler_spans_carry_group_version_name_namespace_and_subresource_from_1_29(string version, bool present)
    {
        var keys = Apiserver(version).Where(s => Handlers.Contains(s.Name)).SelectMany(s => s.AttributeKeys).ToHashSet();

        foreach (var key in new[] { "api-group", "api-version", "name", "namespace", "subresource" }) Assert.Equal(present, keys.Contains(key));
        Assert.Contains("verb", keys);
    }

    [Theory]
    [InlineData("1.27"), InlineData("1.31"), InlineData("1.35"), InlineData("1.36")]
    public void Watches_have_no_handler_span_and_1_36_traces_streaming_lists_only(string version)
    {
        var apiserver = Apiserver(version);
        var watches = apiserver.Where(s => s.Kind == Span.Types.SpanKind.Server && s.Attr("http.target")!.Contains("watch=true", StringComparison.Ordinal)).ToList();

        Assert.NotEmpty(watches);
        Assert.Equal(version == "1.36", apiserver.Any(s => s.Name == "WatchList"));
        Assert.Equal(version == "1.36", apiserver.Any(s => s.Name == "WatchServer.HandleHTTP"));
        Assert.DoesNotContain(apiserver, s => Handlers.Contains(s.Name) && s.Attr("verb") == "WATCH");
    }

    [Theory]
    [InlineData("1.27", "http.user_agent", true), InlineData("1.28", "http.user_agent", true), InlineData("1.30", "http.user_agent", true),
     InlineData("1.31", "user_agent.original", true), InlineData("1.35", "user_agent.original", true)]
    public void The_server_span_has_the_user_agent_and_http_target_of_its_otelhttp(string version, string userAgentKey, bool target)
    {
        var servers = Apiserver(version).Where(s => s.Kind == Span.Types.SpanKind.Server).ToList();

        Assert.All(servers, s => Assert.NotNull(s.Attr(userAgentKey)));
        Assert.All(servers, s => Assert.Equal(target, s.Attr("http.target") is not null));
        Assert.Contains(servers, s => s.Attr("http.target")!.Contains('?', StringComparison.Ordinal)); // with the query
    }

    [Fact]
    public void From_1_35_the_server_span_has_url_path_beside_kubernetes_http_target_and_audit_id()
    {
        var servers = Apiserver("1.35").Where(s => s.Kind == Span.Types.SpanKind.Server).ToList();

        Assert.All(servers, s => Assert.Equal(s.Attr("url.path"), s.Attr("http.target")!.Split('?')[0]));
        Assert.All(servers, s => Assert.NotNull(s.Attr("audit-id")));
    }

    [Fact]
    public void Handler_SerializeObject_and_webhook_spans_carry_their_events()
    {
        var apiserver = Apiserver("1.34");

        Assert.Contains(apiserver, s => s.Name == "Create" && s.Span.Events.Select(e => e.Name).Contains("About to store object in database")
            && s.Span.Events.Select(e => e.Name).Contains("Write to database call succeeded"));
        Assert.Contains(apiserver, s => s.Name == "List" && s.Span.Events.Any(e => e.Name == "Writing http response done" && e.Attributes.Any(a => a.Key == "count")));
        Assert.All(apiserver.Where(s => s.Name == "SerializeObject"), s => Assert.Contains("About to start writing response", s.Span.Events.Select(e => e.Name)));
        Assert.Contains(apiserver, s => s.Name == "Call mutating webhook" && s.Span.Events.Any(e => e.Name == "Patch applied"));
    }

    [Fact]
    public void Attribute_values_have_the_forms_the_code_prints()
    {
        var apiserver = Apiserver("1.34");

        Assert.All(apiserver.Where(s => s.Name.StartsWith("Call ", StringComparison.Ordinal)), s => Assert.Matches(@"^[a-z0-9.]*/v\d+, Resource=[a-z]+$", s.Attr("resource")));
        Assert.All(apiserver.Where(s => s.Name == "SerializeObject"), s => Assert.Matches(@"^\{""encodeGV"":""[a-z0-9./]+"",""encoder"":"".+"",""name"":""versioning""\}$", s.Attr("encoder")));
        Assert.All(apiserver.Where(s => s.Name is "SerializeObject" || Handlers.Contains(s.Name)), s => Assert.DoesNotContain("?", s.Attr("url")));
        var resource = Simulate("1.34").Batches.First(b => b.Service == "apiserver").Request.ResourceSpans[0].Resource;
        Assert.Matches("^apiserver-[a-z2-7]{26}$", resource.Attributes.Single(a => a.Key == "service.instance.id").Value.StringValue);
    }
}
