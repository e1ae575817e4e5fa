using System.Net;
using System.Text.Json.Nodes;
using Kubetrace.Storage;
using Kubetrace.Tests.Api.Authorization;
using Kubetrace.Tests.Storage;
using Kubetrace.Tests.TestSupport;

namespace Kubetrace.Tests.Api.Tenancy;

/// <summary>
/// Tempo's cross-tenant query federation: <c>X-Scope-OrgID: acme|globex</c> reads both tenants' data through every
/// route (search, TraceQL, trace by ID, listings, analyses), a trace both hold comes back with each resource
/// marked with its tenant, and a write naming two tenants is refused. On the embedded store and on ClickHouse.
/// </summary>
public abstract class CrossTenantQuerySuite<TServer>(TServer server) : IClassFixture<TServer> where TServer : TenantQueryServer
{
    private const string Both = "acme|globex";

    [Fact]
    public async Task A_trace_both_tenants_hold_is_each_tenants_part_marked_with_its_tenant()
    {
        using var both = TenantQueryServer.As(Both);
        var trace = JsonNode.Parse(await both.GetStringAsync($"{server.QueryUrl}/api/v1/traces/{ThreeNamespaces.Hex(ThreeNamespaces.Crossing)}"))!;

        var byTenant = trace["resourceSpans"]!.AsArray().GroupBy(r => Attribute(r!, FederatedTraceStore.TenantKey))
            .ToDictionary(g => g.Key!, g => g.SelectMany(r => r!["scopeSpans"]!.AsArray()).SelectMany(s => s!["spans"]!.AsArray())
                .Select(s => (string)s!["name"]!).Order().ToList());
        Assert.Equal(["acme", "globex"], byTenant.Keys.Order());
        Assert.Equal(byTenant["acme"].Select(n => TenantQueryServer.Marker + n), byTenant["globex"]);
        // Tempo's trace-by-ID route answers the same, with the same marker.
        var tempo = await both.GetStringAsync($"{server.TempoUrl}/api/v2/traces/{ThreeNamespaces.Hex(ThreeNamespaces.Crossing)}");
        Assert.Contains("\"key\": \"tenant\", \"value\": { \"stringValue\": \"acme\" }", tempo, StringComparison.Ordinal);
        await GlobexOnlyTraceAsync();
        var globexOnly = await both.GetStringAsync($"{server.TempoUrl}/api/v2/traces/{GlobexOnly:x32}");
        Assert.Contains("\"key\": \"tenant\", \"value\": { \"stringValue\": \"globex\" }", globexOnly, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Search_and_TraceQL_find_each_tenants_traces_and_the_order_of_the_tenants_does_not_matter()
    {
        await GlobexOnlyTraceAsync();
        var query = Uri.EscapeDataString("{ resource.service.name = \"payments-b\" || resource.service.name = \"globex-only\" }");
        var found = new List<List<string>>();
        foreach (var header in new[] { Both, "globex|acme|globex" })
        {
            using var http = TenantQueryServer.As(header);
            var native = JsonNode.Parse(await http.GetStringAsync($"{server.QueryUrl}/api/v1/search?q={query}&{Spans.WindowQuery}&limit=20"))!;
            found.Add([.. native["traces"]!.AsArray().Select(t => (string)t!["traceId"]!).Order()]);
            var tempo = await http.GetStringAsync($"{server.TempoUrl}/api/search?q={query}&limit=20");
            Assert.Contains($"\"{GlobexOnly:x}\"", tempo, StringComparison.Ordinal);
        }
        // payments-b is acme's (the crossing trace), globex-only globex's: both found.
        Assert.Equal([ThreeNamespaces.Hex(ThreeNamespaces.Crossing), $"{GlobexOnly:x32}"], found[0]);
        Assert.Equal(found[0], found[1]);
        using var acme = TenantQueryServer.As(TenantQueryServer.Acme);
        var alone = JsonNode.Parse(await acme.GetStringAsync($"{server.QueryUrl}/api/v1/search?q={query}&{Spans.WindowQuery}&limit=20"))!;
        Assert.Equal([ThreeNamespaces.Hex(ThreeNamespaces.Crossing)], alone["traces"]!.AsArray().Select(t => (string)t!["traceId"]!));
    }

    [Fact]
    public async Task Every_route_answers_a_cross_tenant_query_with_both_tenants_data_or_refuses_it_as_Tempo_does()
    {
        using var both = TenantQueryServer.As(Both);
        var answers = await RouteSweep.RunAsync(server.Extension.Routes, both);

        Assert.DoesNotContain(answers, a => (int)a.Status >= 500);
        // Span metrics are counted per tenant as spans arrive: not combined, as Tempo keeps metrics summaries single-tenant.
        Assert.All(answers.Where(a => a.Route == "/metrics/spans"), a =>
        {
            Assert.Equal(HttpStatusCode.BadRequest, a.Status);
            Assert.Contains("multi-tenant query unsupported", a.Body, StringComparison.Ordinal);
        });
        var withBoth = answers.Where(a => a.Status == HttpStatusCode.OK && a.Body.Contains(TenantQueryServer.Marker, StringComparison.Ordinal)
            && a.Body.Contains("\"frontend-a\"", StringComparison.Ordinal)).Select(a => a.Route).Distinct().ToList();
        Assert.True(withBoth.Count >= 15, $"only {withBoth.Count} routes showed both tenants' data: {string.Join(", ", withBoth)}");
        Assert.DoesNotContain(TenantSweep.Unanswered(answers), r => !r.StartsWith("/metrics/spans", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_cross_tenant_header_with_an_empty_or_invalid_tenant_is_a_bad_request_and_a_write_naming_two_is_refused()
    {
        foreach (var header in new[] { "acme|", "acme|glo/bex" })
        {
            using var http = TenantQueryServer.As(header);
            using var response = await http.GetAsync($"{server.QueryUrl}/api/services");
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        }
        Assert.Equal(HttpStatusCode.BadRequest, await server.PostAsync(Both, ThreeNamespaces.Request()));
        Assert.False(await server.HasStoreAsync(Both));
    }

    /// <summary>A trace only globex holds (the fixture's traces are in both tenants with the same span IDs, which a trace view shows once).</summary>
    private const int GlobexOnly = 0x9901;

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<TenantQueryServer, Task> Posted = [];

    private Task GlobexOnlyTraceAsync() => Posted.GetValue(server, async s =>
    {
        var request = Spans.Request(Spans.Resource("globex-only", Spans.Span(GlobexOnly, 1, 0, "globex-op")));
        Assert.Equal(HttpStatusCode.OK, await s.PostAsync(TenantQueryServer.Globex, request));
        using var globex = TenantQueryServer.As(TenantQueryServer.Globex);
        await Wait.UntilAsync(async () => (await globex.GetAsync($"{s.QueryUrl}/api/v1/traces/{GlobexOnly:x32}")).StatusCode == HttpStatusCode.OK,
            "globex's own trace is stored");
    });

    private static string? Attribute(JsonNode resource, string key) =>
        resource["resource"]?["attributes"]?.AsArray().FirstOrDefault(a => (string)a!["key"]! == key)?["value"]?["stringValue"]?.ToString();
}

public sealed class CrossTenantQueryTests(IsolatedTenants server) : CrossTenantQuerySuite<IsolatedTenants>(server);

public sealed class CrossTenantQueryOnClickHouseTests(IsolatedTenantsOnClickHouse server) : CrossTenantQuerySuite<IsolatedTenantsOnClickHouse>(server);
