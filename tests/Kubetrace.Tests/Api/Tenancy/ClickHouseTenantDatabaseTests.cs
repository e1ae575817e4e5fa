using System.Net;
using Grpc.Core;
using Grpc.Net.Client;
using Kubetrace.Exporters.ClickHouse;
using Kubetrace.Exporters.Kubetrace;
using Kubetrace.Otlp.Proto.Collector;
using Kubetrace.Pipeline;
using Kubetrace.Storage;
using Kubetrace.Storage.ClickHouse;
using Kubetrace.Tests.Api.Authorization;
using Kubetrace.Tests.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;

namespace Kubetrace.Tests.Api.Tenancy;

/// <summary>
/// Tenants on ClickHouse, seen from the server: each tenant's spans in a database of its own (<see cref="TenantDatabases"/>)
/// with the same tables as the configured database, which a tenant's write never touches; nothing for a tenant that
/// never wrote; a tenant ID that cannot be a database name refused before it is acknowledged.
/// </summary>
public sealed class ClickHouseTenantDatabaseTests(IsolatedTenantsOnClickHouse server) : IClassFixture<IsolatedTenantsOnClickHouse>
{
    private string DatabaseOf(string tenant) => TenantDatabases.Of(server.Database, tenant);

    [Fact]
    public async Task Each_tenant_has_a_database_with_the_configured_databases_tables_holding_its_spans_only()
    {
        var tenants = await TenantDatabases.StoredAsync(new ClickHouseOptions { Endpoint = ClickHouseTestServer.Shared.Endpoint, Database = server.Database },
            CancellationToken.None);
        Assert.Equal([TenantQueryServer.Acme, TenantQueryServer.Globex], tenants);

        var tables = await TablesAsync(server.Database);
        Assert.Contains("spans", tables);
        foreach (var tenant in tenants)
        {
            Assert.Equal(tables, await TablesAsync(DatabaseOf(tenant)));
            Assert.True(await SpanRowsOnDiskAsync(DatabaseOf(tenant)) > 0, $"no parts of {tenant}'s spans");
        }
        // The single tenant's database was created at start and received nothing.
        Assert.Equal(0, await SpanRowsOnDiskAsync(server.Database));
        // Every span of globex's database is globex's (its values carry the marker), and none of acme's is.
        var marked = $"countIf(name LIKE '{TenantQueryServer.Marker}%')";
        Assert.Equal("0", await TenantQueryServer.ClickHouseAsync($"SELECT {marked} FROM {DatabaseOf(TenantQueryServer.Acme)}.spans"));
        Assert.Equal(await TenantQueryServer.ClickHouseAsync($"SELECT count() FROM {DatabaseOf(TenantQueryServer.Globex)}.spans"),
            await TenantQueryServer.ClickHouseAsync($"SELECT {marked} FROM {DatabaseOf(TenantQueryServer.Globex)}.spans"));
    }

    [Fact]
    public async Task A_tenant_id_too_long_for_a_database_name_is_refused_with_400_over_http_grpc_and_queries_and_creates_nothing()
    {
        // A valid Tempo tenant ID (70 of 150 characters), but each '-' takes three characters of the name: 212 > 200.
        var tenant = "t" + new string('-', 70);
        Assert.Null(Tenants.Invalid(tenant));

        var request = Spans.Request(Spans.Resource("too-long", Spans.Span(0x7701, 1, 0, "op")));
        Assert.Equal(HttpStatusCode.BadRequest, await server.PostAsync(tenant, request));
        using var channel = GrpcChannel.ForAddress(server.GrpcReceiverUrl);
        var refused = await Assert.ThrowsAsync<RpcException>(async () =>
            await new TraceService.TraceServiceClient(channel).ExportAsync(request, new Metadata { { Tenants.MetadataKey, tenant } }));
        Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
        Assert.Contains("cannot be stored in ClickHouse", refused.Status.Detail, StringComparison.Ordinal);
        using var http = TenantQueryServer.As(tenant);
        using var query = await http.GetAsync($"{server.QueryUrl}/api/services");
        Assert.Equal(HttpStatusCode.BadRequest, query.StatusCode);
        Assert.Contains("more than 200", await query.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        Assert.False(await server.HasStoreAsync(tenant));
    }

    private static async Task<List<string>> TablesAsync(string database) =>
        [.. (await TenantQueryServer.ClickHouseAsync($"SELECT name FROM system.tables WHERE database = '{database}' ORDER BY name")).Split('\n')];

    private static async Task<long> SpanRowsOnDiskAsync(string database) =>
        long.Parse(await TenantQueryServer.ClickHouseAsync(
            $"SELECT sum(rows) FROM system.parts WHERE database = '{database}' AND table = 'spans' AND active"), System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>
/// The <c>clickhouse</c> exporter's tenant stores on their own: each tenant's retention (its <c>overrides</c>), the
/// tenants found again on the server after a restart, and a two-shard cluster, where each tenant's database exists on
/// every shard with its Distributed tables.
/// </summary>
public sealed class ClickHouseTenantStoresTests
{
    private static readonly long ThreeDaysAgoMs = -(long)TimeSpan.FromDays(3).TotalMilliseconds;

    private static TraceBatch OldSpan(int trace) =>
        TraceBatch.FromRequest(Spans.Request(Spans.Resource("svc", Spans.Span(trace, 1, 0, "old", ThreeDaysAgoMs))));

    private static ClickHouseExporterConfig Config(ClickHouseOptions options) => new()
    {
        Endpoint = options.Endpoint.ToString(),
        Database = options.Database,
        ClusterName = options.Cluster,
        ShardEndpoints = options.ShardEndpoints.Select(e => e.ToString()).ToList(),
        Ttl = TimeSpan.Zero,
        MaxQueryMemory = "256MiB",
        Rollups = false,
        Overrides = { ["acme"] = new TenantOverrides { BlockRetention = TimeSpan.FromDays(1) } },
    };

    [RequiresClickHouseFact]
    public async Task A_tenants_block_retention_drops_its_old_days_and_keeps_the_other_tenants_also_after_a_restart()
    {
        var config = Config(ClickHouseTestServer.NewOptions());
        try
        {
            await using (var writing = new ClickHouseTenantStores(config, NullLoggerFactory.Instance))
            {
                foreach (var tenant in new[] { "acme", "globex" })
                    await writing.ForWrite(tenant).AppendAsync(OldSpan(0x3101), CancellationToken.None);
            }
            // A new instance (a restart) finds both tenants on the server, though neither wrote through it.
            await using var stores = new ClickHouseTenantStores(config, NullLoggerFactory.Instance);
            Assert.Equal(["acme", "globex"], await stores.OpenStoredAsync(CancellationToken.None));

            await stores.EnforceRetentionAsync(CancellationToken.None);

            var id = TraceId.FromByteString(Spans.TraceId(0x3101));
            Assert.Null(await stores.ForRead("acme")!.GetTraceAsync(id, CancellationToken.None));
            Assert.NotNull(await stores.ForRead("globex")!.GetTraceAsync(id, CancellationToken.None));
            Assert.Equal(0, await ActivePartsAsync(TenantDatabases.Of(config.Database, "acme")));
            Assert.Null(stores.ForRead("initech"));
        }
        finally
        {
            await DropAsync(config, [ClickHouseTestServer.Shared.Endpoint]);
        }
    }

    [RequiresClickHouseFact]
    public async Task The_exporter_runs_retention_at_start_for_the_configured_database_and_every_tenant_found_on_the_server()
    {
        var config = Config(ClickHouseTestServer.NewOptions());
        try
        {
            await using (var writing = new ClickHouseTenantStores(config, NullLoggerFactory.Instance))
            {
                foreach (var tenant in new[] { Tenants.SingleTenant, "acme", "globex" })
                    await writing.ForWrite(tenant).AppendAsync(OldSpan(0x3201), CancellationToken.None);
            }

            var service = await ServiceTestHost.StartAsync(new TestServiceConfig(0)
                .TopLevel("multitenancy_enabled: true")
                .Exporter("clickhouse", $"""
                    endpoint: {config.Endpoint}
                    database: {config.Database}
                    ttl: 48h
                    rollups: false
                    overrides:
                      acme:
                        block_retention: 24h
                      globex:
                        block_retention: 0s
                    """).Yaml, Kubetrace.Config.ComponentCatalog.Default);
            try
            {
                // ttl 48h drops the single tenant's three-day-old day, acme's 24h its own; globex keeps its spans forever.
                await Wait.UntilAsync(async () => await ActivePartsAsync(config.Database) == 0 && await ActivePartsAsync(TenantDatabases.Of(config.Database, "acme")) == 0,
                    "retention dropped the old days of the configured database and of acme");
                Assert.True(await ActivePartsAsync(TenantDatabases.Of(config.Database, "globex")) > 0);
            }
            finally
            {
                await service.ShutdownAsync();
            }
        }
        finally
        {
            await DropAsync(config, [ClickHouseTestServer.Shared.Endpoint]);
        }
    }

    private static async Task<long> ActivePartsAsync(string database) => long.Parse(await TenantQueryServer.ClickHouseAsync(
        $"SELECT count() FROM system.parts WHERE database = '{database}' AND active"), System.Globalization.CultureInfo.InvariantCulture);

    [RequiresClickHouseFact]
    public async Task On_a_two_shard_cluster_each_tenant_has_its_tables_on_every_shard_and_reads_only_its_own_traces()
    {
        var config = Config(ClickHouseTestServer.NewClusterOptions());
        var shards = ClickHouseTestServer.SharedShards.Select(s => s.Endpoint).ToList();
        try
        {
            await using var stores = new ClickHouseTenantStores(config, NullLoggerFactory.Instance);
            var traces = Enumerable.Range(0x4100, 16).ToList();
            foreach (var trace in traces)
            {
                var tenant = trace % 2 == 0 ? "acme" : "globex";
                await stores.ForWrite(tenant).AppendAsync(
                    TraceBatch.FromRequest(Spans.Request(Spans.Resource(tenant + "-svc", Spans.Span(trace, 1, 0, "op")))), CancellationToken.None);
            }

            foreach (var tenant in new[] { "acme", "globex" })
            {
                var database = TenantDatabases.Of(config.Database, tenant);
                var rowsPerShard = new List<long>();
                foreach (var shard in shards)
                {
                    using var http = new HttpClient();
                    var tables = await http.GetStringAsync($"{shard}?query=" + Uri.EscapeDataString(
                        $"SELECT name FROM system.tables WHERE database = '{database}' AND name IN ('spans', 'spans_local') ORDER BY name"));
                    Assert.Equal("spans\nspans_local\n", tables);
                    rowsPerShard.Add(long.Parse(await http.GetStringAsync($"{shard}?query=" + Uri.EscapeDataString(
                        $"SELECT count() FROM {database}.spans_local")), System.Globalization.CultureInfo.InvariantCulture));
                }
                Assert.Equal(8, rowsPerShard.Sum());
                Assert.Equal([tenant + "-svc"], await stores.ForRead(tenant)!.GetServicesAsync(CancellationToken.None));
                foreach (var trace in traces)
                {
                    var found = await stores.ForRead(tenant)!.GetTraceAsync(TraceId.FromByteString(Spans.TraceId(trace)), CancellationToken.None);
                    Assert.True((found is not null) == (tenant == (trace % 2 == 0 ? "acme" : "globex")), $"trace {trace:x} read as {tenant}'s");
                }
            }
        }
        finally
        {
            await DropAsync(config, shards);
        }
    }

    private static async Task DropAsync(ClickHouseExporterConfig config, IReadOnlyList<Uri> servers)
    {
        foreach (var tenant in new[] { "acme", "globex" })
            await ClickHouseTestServer.DropDatabaseAsync(servers, TenantDatabases.Of(config.Database, tenant));
        await ClickHouseTestServer.DropDatabaseAsync(servers, config.Database);
    }
}
