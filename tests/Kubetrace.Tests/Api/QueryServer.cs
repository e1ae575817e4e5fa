using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Kubetrace.Config;
using Kubetrace.Service;
using Kubetrace.Tests.EndToEnd.Harness;
using Kubetrace.Tests.Service;
using Kubetrace.Tests.TestSupport;

namespace Kubetrace.Tests.Api;

/// <summary>
/// A real service in-process: OTLP/HTTP receiver → kubetrace store exporter, and the kubetrace_query extension,
/// each on a free 127.0.0.1 port, over a private data folder. Data goes in through OTLP, as a client sends it.
/// </summary>
public sealed class QueryServer : IAsyncDisposable
{
    private readonly TempDirectory _data;
    private readonly KubetraceService _service;

    private readonly StoreBackend _backend;
    private readonly string? _database;

    private QueryServer(KubetraceService service, int otlp, int query, int tempo, TempDirectory data, StoreBackend backend, string? database)
    {
        _service = service;
        _data = data;
        _backend = backend;
        _database = database;
        OtlpTracesUrl = new Uri($"http://127.0.0.1:{otlp}/v1/traces");
        Query = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{query}") };
        Tempo = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{tempo}") };
    }

    public Uri OtlpTracesUrl { get; }

    /// <summary>The native and Jaeger API port.</summary>
    public HttpClient Query { get; }

    /// <summary>The native API port's base URL without a trailing slash, as <c>--server</c> and the UI's pages take it.</summary>
    public string QueryUrl => Query.BaseAddress!.OriginalString.TrimEnd('/');

    /// <summary>The Tempo API port.</summary>
    public HttpClient Tempo { get; }

    /// <param name="queryKeys">More keys of the <c>kubetrace_query</c> extension, one per line (e.g. <c>query_timeout: 1s</c>).</param>
    /// <param name="backend">The store behind the query extension: the embedded store, or a database of its own on the tests' ClickHouse server.</param>
    public static async Task<QueryServer> StartAsync(string queryKeys = "", StoreBackend backend = StoreBackend.Embedded)
    {
        var data = new TempDirectory();
        try
        {
            // One database per server on the shared ClickHouse: chosen once, kept if the ports must be chosen again.
            var database = backend == StoreBackend.Embedded ? null : ClickHouseTestServer.NewDatabase();
            return await FreePorts.StartOnFreshAsync(3, async ports =>
                new QueryServer(await ServiceTestHost.StartAsync(Yaml(ports, data, queryKeys, backend, database), ComponentCatalog.Default), ports[0], ports[1], ports[2],
                    data, backend, database));
        }
        catch
        {
            data.Dispose();
            throw;
        }
    }

    private static string Yaml(int[] ports, TempDirectory data, string queryKeys, StoreBackend backend, string? database)
    {
        var (exporterId, exporter) = backend switch
        {
            StoreBackend.Embedded => ("kubetrace", $"""
                path: {data.Path}
                retention: 0s
                """),
            StoreBackend.ClickHouse => ("clickhouse", $"""
                endpoint: {ClickHouseTestServer.Shared.Endpoint}
                database: {database}
                ttl: 0s
                rollups: false
                """),
            _ => ("clickhouse", $"""
                endpoint: {ClickHouseTestServer.SharedShards[0].Endpoint}
                database: {database}
                ttl: 0s
                rollups: false
                cluster_name: {ClickHouseTestServer.ClusterName}
                shard_endpoints: [{string.Join(", ", ClickHouseTestServer.SharedShards.Select(s => s.Endpoint))}]
                """),
        };
        return new TestServiceConfig(ports[0])
            .Exporter(exporterId, exporter)
            .Extension("kubetrace_query", $"""
                storage: {exporterId}
                endpoint: 127.0.0.1:{ports[1]}
                tempo_endpoint: 127.0.0.1:{ports[2]}
                {string.Join("\n", queryKeys.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(k => k.Trim()))}
                """).Yaml;
    }

    /// <summary>Posts OTLP JSON and asserts that every span was accepted (acknowledged means durable).</summary>
    public async Task PostOtlpJsonAsync(string json, string what)
    {
        using var http = new HttpClient();
        using var content = new StringContent(json);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await http.PostAsync(OtlpTracesUrl, content);
        var answer = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{what}: {(int)response.StatusCode} {answer}");
        var rejected = JsonNode.Parse(answer.Length == 0 ? "{}" : answer)?["partialSuccess"]?["rejectedSpans"];
        Assert.True(rejected is null || rejected.ToString() == "0", $"{what}: spans rejected: {answer}");
    }

    public async ValueTask DisposeAsync()
    {
        Query.Dispose();
        Tempo.Dispose();
        await _service.ShutdownAsync();
        _data.Dispose();
        if (_database is not null)
            await ClickHouseTestServer.DropDatabaseAsync(_backend == StoreBackend.ClickHouse
                ? [ClickHouseTestServer.Shared.Endpoint] : ClickHouseTestServer.SharedShards.Select(s => s.Endpoint), _database);
    }
}
