using System.Net;
using System.Text.Json.Nodes;
using Kubetrace.Pipeline;
using Kubetrace.Tests.Api.Authorization;

namespace Kubetrace.Tests.Api.Tenancy;

/// <summary>
/// Tenants kept apart through every route of every API (native, Jaeger, Tempo, the UI's, analyses, span metrics,
/// stats), enumerated from the routing tables: a query naming acme never shows a globex span, name or value, though
/// both wrote the same trace IDs through one batch processor; a query naming no tenant is refused as Tempo refuses it.
/// On the embedded store (<see cref="TenantIsolationTests"/>) and on ClickHouse (<see cref="TenantIsolationOnClickHouseTests"/>).
/// </summary>
public abstract class TenantIsolationSuite<TServer>(TServer server) : IClassFixture<TServer> where TServer : TenantQueryServer
{
    protected TServer Server => server;

    [Fact]
    public async Task A_query_naming_acme_sweeping_every_route_finds_nothing_of_globex()
    {
        using var acme = TenantQueryServer.As(TenantQueryServer.Acme);
        var answers = await RouteSweep.RunAsync(server.Extension.Routes, acme);

        Assert.Empty(TenantSweep.Leaks(answers));
        // Every route answered with something to hide, and acme's own data came back.
        Assert.Empty(TenantSweep.Unanswered(answers.Where(a => !server.UnservedRoutes.Contains(a.Route))));
        Assert.True(answers.Count > 200, $"only {answers.Count} requests swept");
        foreach (var own in ThreeNamespaces.TeamAValues.Concat(ThreeNamespaces.ForeignToTeamA))
            Assert.Contains(answers, a => a.Status == HttpStatusCode.OK && a.Body.Contains(own, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_trace_id_both_tenants_wrote_is_each_tenants_own_version()
    {
        var path = $"/api/v1/traces/{ThreeNamespaces.Hex(ThreeNamespaces.Crossing)}";
        using var acme = TenantQueryServer.As(TenantQueryServer.Acme);
        using var globex = TenantQueryServer.As(TenantQueryServer.Globex);

        var ofAcme = SpanNames(await acme.GetStringAsync(server.QueryUrl + path));
        var ofGlobex = SpanNames(await globex.GetStringAsync(server.QueryUrl + path));

        Assert.NotEmpty(ofAcme);
        Assert.All(ofAcme, name => Assert.DoesNotContain(TenantQueryServer.Marker, name, StringComparison.Ordinal));
        Assert.Equal(ofAcme.Select(n => TenantQueryServer.Marker + n).Order(), ofGlobex.Order());
        // Tempo's API answers the same way.
        var tempo = await globex.GetStringAsync($"{server.TempoUrl}/api/v2/traces/{ThreeNamespaces.Hex(ThreeNamespaces.Crossing)}");
        Assert.Contains(TenantQueryServer.Marker + "GET /checkout", tempo, StringComparison.Ordinal);
        Assert.DoesNotContain("\"GET /checkout\"", tempo, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_query_naming_no_tenant_is_refused_on_every_route_that_reads_data_with_no_org_id()
    {
        using var nobody = TenantQueryServer.As(null);
        var answers = await RouteSweep.RunAsync(server.Extension.Routes, nobody);

        var reading = answers.Where(a => !TenantSweep.WithoutData.Contains(a.Route)).ToList();
        Assert.NotEmpty(reading);
        Assert.All(reading, a =>
        {
            Assert.True(a.Status == HttpStatusCode.Unauthorized, $"{(int)a.Status} {a.Url}: {a.Body}");
            Assert.Contains(Tenants.NoOrgId, a.Body, StringComparison.Ordinal);
        });
        Assert.DoesNotContain(answers, a => ThreeNamespaces.TeamAValues.Any(v => a.Body.Contains(v, StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_tenant_that_never_wrote_reads_nothing_and_gets_no_store()
    {
        using var initech = TenantQueryServer.As("initech");

        using var trace = await initech.GetAsync($"{server.QueryUrl}/api/v1/traces/{ThreeNamespaces.Hex(ThreeNamespaces.TeamA)}");
        var services = JsonNode.Parse(await initech.GetStringAsync($"{server.QueryUrl}/api/services"))!["data"]!.AsArray();

        Assert.Equal(HttpStatusCode.NotFound, trace.StatusCode);
        Assert.Empty(services);
        Assert.False(await server.HasStoreAsync("initech"));
    }

    [Fact]
    public async Task The_cli_reads_the_tenant_its_org_id_names_and_without_one_says_no_org_id()
    {
        var acme = await Kubetrace.Tests.Cli.CliRun.RunAsync("services", "--server", server.QueryUrl, "--org-id", TenantQueryServer.Acme);
        var stats = await Kubetrace.Tests.Cli.CliRun.RunAsync("stats", "--server", server.QueryUrl, "--org-id", TenantQueryServer.Globex, "--json");
        var none = await Kubetrace.Tests.Cli.CliRun.RunAsync("services", "--server", server.QueryUrl);

        Assert.Equal(0, acme.Code);
        Assert.Contains("frontend-a", acme.Lines);
        Assert.DoesNotContain(acme.Lines, line => line.Contains(TenantQueryServer.Marker, StringComparison.Ordinal));
        Assert.Equal(0, stats.Code);
        Assert.True(System.Text.Json.Nodes.JsonNode.Parse(stats.Output)!["spans"]!.GetValue<double>() > 0, stats.Output);
        Assert.NotEqual(0, none.Code);
        Assert.Contains(Tenants.NoOrgId, none.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_header_that_is_not_a_tenant_id_is_a_bad_request_naming_the_character()
    {
        using var bad = TenantQueryServer.As("acme/../globex");

        using var response = await bad.GetAsync($"{server.QueryUrl}/api/services");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("'/' cannot appear in a tenant ID", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private static List<string> SpanNames(string nativeTrace) =>
        JsonNode.Parse(nativeTrace)!["resourceSpans"]!.AsArray()
            .SelectMany(r => r!["scopeSpans"]!.AsArray()).SelectMany(s => s!["spans"]!.AsArray()).Select(s => (string)s!["name"]!).ToList();
}

/// <summary>On the embedded store: a folder per tenant.</summary>
public sealed class TenantIsolationTests(IsolatedTenants server) : TenantIsolationSuite<IsolatedTenants>(server)
{
    [Fact]
    public void Each_tenant_is_kept_in_its_own_folder_on_disk()
    {
        foreach (var tenant in new[] { TenantQueryServer.Acme, TenantQueryServer.Globex })
            Assert.True(Directory.Exists(Path.Combine(Server.DataFolder, "tenants", tenant, "wal")), $"no store folder for {tenant}");
        // The single tenant's store (the data folder itself) received nothing.
        Assert.DoesNotContain(Directory.EnumerateFiles(Path.Combine(Server.DataFolder, "wal")), f => new FileInfo(f).Length > 16);
    }
}

/// <summary>On ClickHouse: a database per tenant (its tables and parts: <see cref="ClickHouseTenantDatabaseTests"/>).</summary>
public sealed class TenantIsolationOnClickHouseTests(IsolatedTenantsOnClickHouse server) : TenantIsolationSuite<IsolatedTenantsOnClickHouse>(server);

/// <summary>The same sweep with multitenancy off proves it can fail: the header is ignored, and globex's values show.</summary>
public sealed class TenantSweepWithoutIsolationTests(UnisolatedTenants server) : IClassFixture<UnisolatedTenants>
{
    [Fact]
    public async Task Without_multitenancy_the_sweep_naming_acme_finds_globex_everywhere()
    {
        using var acme = TenantQueryServer.As(TenantQueryServer.Acme);
        var answers = await RouteSweep.RunAsync(server.Extension.Routes, acme);

        var leakingRoutes = TenantSweep.Leaks(answers).Select(l => l.Route).Distinct().ToList();
        Assert.True(leakingRoutes.Count >= 15, $"only {leakingRoutes.Count} routes showed globex's data: {string.Join(", ", leakingRoutes)}");
    }
}

internal static class TenantSweep
{
    /// <summary>Routes that read no stored data and so answer without a tenant (the UI's shell and files, Tempo's probes).</summary>
    public static readonly string[] WithoutData = ["/", "/ui", "/ui/{**page}", "/ui/assets/{**file}", "/api/echo", "/ready", "/api/status/buildinfo"];

    public static List<RouteSweep.Answer> Leaks(IEnumerable<RouteSweep.Answer> answers) =>
        answers.Where(a => a.Body.Contains(TenantQueryServer.Marker, StringComparison.Ordinal)).ToList();

    public static List<string> Unanswered(IEnumerable<RouteSweep.Answer> answers) =>
        answers.GroupBy(a => a.Route).Where(g => g.All(a => a.Status != HttpStatusCode.OK))
            .Select(g => $"{g.Key}: {string.Join(", ", g.Select(a => (int)a.Status).Distinct())} e.g. {g.First().Body[..Math.Min(200, g.First().Body.Length)]}")
            .ToList();
}
