using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using Google.Protobuf;
using Kubetrace.Api.Extension;
using Kubetrace.Config;
using Kubetrace.Otlp.Proto.Collector;
using Kubetrace.Otlp.Proto.Common;
using Kubetrace.Pipeline;
using Kubetrace.Service;
using Kubetrace.Storage.ClickHouse;
using Kubetrace.Tests.Api.Authorization;
using Kubetrace.Tests.TestSupport;

namespace Kubetrace.Tests.Api.Tenancy;

/// <summary>
/// A real service whose OTLP receivers (HTTP and gRPC) feed a batch processor and the embedded store, with the query
/// ports open: tenant <c>acme</c> wrote <see cref="ThreeNamespaces"/>, tenant <c>globex</c> wrote the same traces (same
/// trace IDs) with every service, span name and attribute value prefixed <c>globex-</c>, so that any globex value in
/// an answer to acme is a leak findable as text. <see cref="Isolated"/> false runs the same with
/// <c>multitenancy_enabled</c> off, where the header is ignored and both go into one store (the sweep must see that).
/// The store is the embedded one, or ClickHouse (<see cref="OnClickHouse"/>: a database per tenant).
/// </summary>
public abstract class TenantQueryServer(bool isolated, bool onClickHouse = false) : IAsyncLifetime
{
    public const string Acme = "acme", Globex = "globex", Marker = "globex-";

    private readonly TempDirectory _folder = new();
    private KubetraceService? _service;

    public bool Isolated => isolated;

    public ConcurrentQueue<string> Log { get; } = new();

    public string DataFolder => Path.Combine(_folder.Path, "data");

    public bool OnClickHouse => onClickHouse;

    /// <summary>The <c>clickhouse</c> exporter's database (the single tenant's; each tenant's is named after it).</summary>
    public string Database { get; } = ClickHouseTestServer.NewDatabase();

    public string HttpReceiverUrl { get; private set; } = "";

    public string GrpcReceiverUrl { get; private set; } = "";

    public string QueryUrl { get; private set; } = "";

    public string TempoUrl { get; private set; } = "";

    public KubetraceQueryExtension Extension => (KubetraceQueryExtension)_service!.Components.Single(c => c.Component is KubetraceQueryExtension).Component;

    public async Task InitializeAsync()
    {
        var (service, ports) = await ServiceTestHost.StartOnFreshAsync(4, ports => new TestServiceConfig()
            .TopLevel($"multitenancy_enabled: {(isolated ? "true" : "false")}")
            .OtlpHttp(ports[0], grpcPort: ports[3])
            .Processor("batch", "timeout: 100ms")
            .Exporter(Exporter, onClickHouse ? ClickHouseExporter() : KubetraceExporter())
            .Extension("kubetrace_query", $"""
                storage: {Exporter}
                endpoint: 127.0.0.1:{ports[1]}
                tempo_endpoint: 127.0.0.1:{ports[2]}
                """).Yaml,
            logs: TestSettings.Capturing(Log));
        _service = service;
        HttpReceiverUrl = $"http://127.0.0.1:{ports[0]}/v1/traces";
        GrpcReceiverUrl = $"http://127.0.0.1:{ports[3]}";
        QueryUrl = $"http://127.0.0.1:{ports[1]}";
        TempoUrl = $"http://127.0.0.1:{ports[2]}";
        // Both at once, so that the batch processor holds both tenants' spans together.
        var sent = await Task.WhenAll(PostAsync(Acme, ThreeNamespaces.Request()), PostAsync(Globex, Prefixed(ThreeNamespaces.Request())));
        Assert.All(sent, status => Assert.Equal(HttpStatusCode.OK, status));
        await WaitForAsync(Acme, ThreeNamespaces.TeamA);
        await WaitForAsync(Globex, ThreeNamespaces.TeamA);
    }

    /// <summary>Routes the store does not serve at all (ClickHouse keeps no span metrics yet: docs/storage.md, issue 16).</summary>
    public IReadOnlyList<string> UnservedRoutes => onClickHouse ? [Kubetrace.Api.Native.SpanMetricsApi.Path] : [];

    private string Exporter => onClickHouse ? "clickhouse" : "kubetrace";

    private string KubetraceExporter() => $"""
        path: {DataFolder}
        overrides:
          {Acme}:
            block_retention: 1h
        """;

    private string ClickHouseExporter() => $"""
        endpoint: {ClickHouseTestServer.Shared.Endpoint}
        database: {Database}
        ttl: 0s
        max_query_memory: 256MiB
        overrides:
          {Acme}:
            block_retention: 1h
        """;

    /// <summary>Whether <paramref name="tenant"/> has a store: its folder (<c>tenants/ID</c>), or its ClickHouse database.</summary>
    public async Task<bool> HasStoreAsync(string tenant)
    {
        if (!onClickHouse) return Directory.Exists(Path.Combine(DataFolder, "tenants", tenant));
        return await ClickHouseAsync($"SELECT count() FROM system.databases WHERE name = '{TenantDatabases.Of(Database, tenant)}'") == "1";
    }

    /// <summary>One value asked of the shared ClickHouse server (TSV, trimmed).</summary>
    public static async Task<string> ClickHouseAsync(string sql)
    {
        using var http = new HttpClient();
        using var response = await http.PostAsync(ClickHouseTestServer.Shared.Endpoint, new StringContent(sql));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{sql}: {text}");
        return text.Trim();
    }

    /// <summary>A query client naming <paramref name="tenant"/> in <c>X-Scope-OrgID</c> (none: no header).</summary>
    public static HttpClient As(string? tenant)
    {
        var http = new HttpClient();
        if (tenant is not null) http.DefaultRequestHeaders.Add(Tenants.HeaderName, tenant);
        return http;
    }

    public async Task<HttpStatusCode> PostAsync(string? tenant, ExportTraceServiceRequest request)
    {
        using var http = As(tenant);
        using var content = new ByteArrayContent(request.ToByteArray());
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");
        using var response = await http.PostAsync(HttpReceiverUrl, content);
        return response.StatusCode;
    }

    /// <summary>The request with <see cref="Marker"/> before every string value and span name (keys unchanged).</summary>
    public static ExportTraceServiceRequest Prefixed(ExportTraceServiceRequest request)
    {
        foreach (var resource in request.ResourceSpans)
        {
            Prefix(resource.Resource.Attributes);
            foreach (var scope in resource.ScopeSpans)
            foreach (var span in scope.Spans)
            {
                span.Name = Marker + span.Name;
                Prefix(span.Attributes);
            }
        }
        return request;

        static void Prefix(IEnumerable<KeyValue> attributes)
        {
            foreach (var attribute in attributes)
                if (attribute.Value.ValueCase == AnyValue.ValueOneofCase.StringValue) attribute.Value.StringValue = Marker + attribute.Value.StringValue;
        }
    }

    // The batch processor sends within its timeout; the store answers once the append is durable.
    private async Task WaitForAsync(string tenant, int trace)
    {
        using var http = As(tenant);
        var url = $"{QueryUrl}/api/v1/traces/{ThreeNamespaces.Hex(trace)}";
        await Wait.UntilAsync(async () => (await http.GetAsync(url)).StatusCode == HttpStatusCode.OK, $"tenant {tenant}'s trace {trace:x} is stored");
    }

    public async Task DisposeAsync()
    {
        if (_service is not null) await _service.ShutdownAsync();
        _folder.Dispose();
        if (!onClickHouse) return;
        var server = ClickHouseTestServer.Shared.Endpoint;
        foreach (var tenant in await TenantDatabases.StoredAsync(new ClickHouseOptions { Endpoint = server, Database = Database }, CancellationToken.None))
            await ClickHouseTestServer.DropDatabaseAsync([server], TenantDatabases.Of(Database, tenant));
        await ClickHouseTestServer.DropDatabaseAsync([server], Database);
    }
}

/// <summary><c>multitenancy_enabled: true</c>.</summary>
public sealed class IsolatedTenants() : TenantQueryServer(isolated: true);

/// <summary><c>multitenancy_enabled: true</c> with the <c>clickhouse</c> exporter: a database per tenant.</summary>
public sealed class IsolatedTenantsOnClickHouse() : TenantQueryServer(isolated: true, onClickHouse: true);

/// <summary><c>multitenancy_enabled: false</c>: what the sweep finds when tenants are not kept apart.</summary>
public sealed class UnisolatedTenants() : TenantQueryServer(isolated: false);
