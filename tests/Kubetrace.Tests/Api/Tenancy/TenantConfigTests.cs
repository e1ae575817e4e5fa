using Kubetrace.Api.Authorization;
using Kubetrace.Config;
using Kubetrace.Exporters.Kubetrace;
using Kubetrace.Extensions.Auth;
using Kubetrace.Pipeline;
using Kubetrace.Query.Access;
using Kubetrace.Storage;
using Kubetrace.Tests.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;

namespace Kubetrace.Tests.Api.Tenancy;

/// <summary>The tenancy settings (top-level <c>multitenancy_enabled</c>, the store's per-tenant <c>overrides</c>) and the tenant of a query.</summary>
public sealed class TenantConfigTests
{
    /// <summary>A config whose store has the given tenants' <c>overrides</c> (their keys, unindented), with <paramref name="top"/> first.</summary>
    private static TestServiceConfig Config(string top, string overrides) => new TestServiceConfig()
        .TopLevel(top)
        .OtlpHttp()
        .Exporter("kubetrace", "path: /tmp/unused\n" + TestServiceConfig.Nested("overrides", overrides));

    [Fact]
    public void Multitenancy_is_off_by_default_and_read_from_the_top_level_as_in_Tempo()
    {
        Assert.False(Config("", "acme: {}").Load().Config!.MultitenancyEnabled);
        Assert.True(Config("multitenancy_enabled: true", "acme: {}").Load().Config!.MultitenancyEnabled);
    }

    [Fact]
    public void Mistakes_name_the_key_and_line()
    {
        var result = Config("multitenancy_enabled: maybe", """
                  "acme/x":
                    block_retention: 1h
                  globex:
                    block_retention: -5m
                    max_disk_size: lots
                  """).Load();

        Assert.Equal(
        [
            "config.yaml:1:23: multitenancy_enabled: expected true or false, got \"maybe\"",
            "config.yaml:11:9: exporters::kubetrace::overrides::acme/x: tenant \"acme/x\": '/' cannot appear in a tenant ID (letters, digits and ! - _ . * ' ( ))",
            "config.yaml:13:26: exporters::kubetrace::overrides::globex::block_retention: must not be negative",
            "config.yaml:14:24: exporters::kubetrace::overrides::globex::max_disk_size: \"lots\" is not a size; write e.g. 10GiB, 500MB or 1048576",
        ], result.Errors.Select(e => e.ToString()));
    }

    [Fact]
    public void A_mistake_inside_a_tenants_overrides_names_the_line_of_the_bad_key_not_the_block()
    {
        var result = Config("multitenancy_enabled: true", """
                  acme:
                    block_retention: 1h
                    block_retentoin: 2h
                  globex:
                    max_disk_size: 1GiB
                    block_retention: soon
                  initech:
                    max_disk_size: [1, 2]
                  """).Load();

        Assert.Equal(
        [
            "config.yaml:12:9: exporters::kubetrace::overrides::acme::block_retentoin: unknown key \"block_retentoin\" (did you mean \"block_retention\"?)",
            "config.yaml:15:26: exporters::kubetrace::overrides::globex::block_retention: invalid duration \"soon\" (use e.g. 5s, 200ms)",
            "config.yaml:17:24: exporters::kubetrace::overrides::initech::max_disk_size: expected a single value, got a list",
        ], result.Errors.Select(e => e.ToString()));
    }

    [Fact]
    public void Tail_sampling_under_multitenancy_is_refused_at_its_line_since_its_traces_lose_their_tenant()
    {
        var result = new TestServiceConfig()
            .TopLevel("multitenancy_enabled: true")
            .OtlpHttp()
            .Processor("tail_sampling/errors", "policies: [{name: errors, type: status_code, status_code: {status_codes: [ERROR]}}]")
            .Exporter("kubetrace", "path: /tmp/unused")
            .Load();

        var error = Assert.Single(result.Errors);
        Assert.StartsWith("config.yaml:7:3: processors::tail_sampling/errors: tail_sampling cannot run with multitenancy_enabled", error.ToString());
        Assert.True(Config("", "acme: {}").Load().Errors.Count == 0);
    }

    [Fact]
    public async Task A_tenants_block_retention_override_deletes_its_old_blocks_and_keeps_the_others()
    {
        using var folder = new TempDirectory();
        var loaded = Config("multitenancy_enabled: true", "acme:\n  retention: 1h").Load();
        var exporter = (KubetraceExporterConfig)loaded.Config!.Exporters.Single().Value.Settings;
        exporter.Directory = folder.Path;
        await using var stores = new TenantStores(exporter, NullLoggerFactory.Instance);
        var threeHoursAgo = -(long)TimeSpan.FromHours(3).TotalMilliseconds;
        foreach (var tenant in new[] { "acme", "globex" })
        {
            var store = stores.ForWrite(tenant).Store;
            await store.AppendAsync(TraceBatch.FromRequest(Spans.Request(Spans.Resource("svc", Spans.Span(0x3101, 1, 0, "old", threeHoursAgo)))), CancellationToken.None);
            await store.FlushHeadAsync();
            await store.EnforceRetentionAsync(CancellationToken.None);
        }

        Assert.Null(await stores.ForRead("acme")!.Store.GetTraceAsync(TraceId.FromByteString(Spans.TraceId(0x3101)), CancellationToken.None));
        Assert.NotNull(await stores.ForRead("globex")!.Store.GetTraceAsync(TraceId.FromByteString(Spans.TraceId(0x3101)), CancellationToken.None));
        Assert.Equal(Path.Combine(folder.Path, "tenants", "acme"), exporter.ToStoreOptions(null, "acme").Directory);
        Assert.Equal(folder.Path, exporter.ToStoreOptions(null, Tenants.SingleTenant).Directory);
    }

    [Fact]
    public async Task A_readers_policy_tenant_is_its_tenant_without_a_header_and_the_only_one_it_may_name()
    {
        using var folder = new TempDirectory();
        var policy = Path.Combine(folder.Path, "policy.yaml");
        await File.WriteAllTextAsync(policy, """
            readers:
              - subjects: [carol]
                namespaces: [team-a]
                tenant: acme
              - subjects: [root]
                all: true
            """);
        var authorization = QueryAuthorization.FromConfig(new AuthorizationConfig { PolicyFile = policy }, NullLogger.Instance, multitenancy: true);

        Assert.Equal("acme", authorization.TenantOf(Request("carol", header: null)));
        Assert.Equal("acme", authorization.TenantOf(Request("carol", header: "acme")));
        Assert.Throws<AccessDeniedException>(() => authorization.TenantOf(Request("carol", header: "globex")));
        // A rule without a tenant leaves the choice to the header, and without one there is none.
        Assert.Equal("globex", authorization.TenantOf(Request("root", header: "globex")));
        Assert.Equal(Tenants.NoOrgId, Assert.Throws<MissingTenantException>(() => authorization.TenantOf(Request("root", header: null))).Message);
        // Without multitenancy every reader reads the single tenant, whatever it names.
        var single = QueryAuthorization.FromConfig(new AuthorizationConfig { PolicyFile = policy }, NullLogger.Instance);
        Assert.Equal(Tenants.SingleTenant, single.TenantOf(Request("carol", header: "globex")));
    }

    private static HttpContext Request(string subject, string? header)
    {
        var context = new DefaultHttpContext();
        context.Features.Set(Principal.Named(subject));
        if (header is not null) context.Request.Headers[Tenants.HeaderName] = header;
        return context;
    }
}
