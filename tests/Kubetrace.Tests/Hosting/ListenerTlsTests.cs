using System.Net;
using Kubetrace.Config;
using Kubetrace.Tests.EndToEnd.Harness;
using Kubetrace.Tests.Service;

namespace Kubetrace.Tests.Hosting;

/// <summary>
/// One service configured from YAML with <c>tls:</c> (mutual) on every listener it has: the OTLP/HTTP receiver, the
/// query extension's two ports (web UI, native, Jaeger, Tempo), health_check and the metrics endpoint.
/// </summary>
public sealed class ListenerTlsTests : IDisposable
{
    private readonly TestPki _pki = new();
    private readonly TempDirectory _data = new();

    public void Dispose()
    {
        _data.Dispose();
        _pki.Dispose();
    }

    [Fact]
    public async Task Every_listener_serves_mutual_TLS_from_the_same_collector_keys_and_nothing_in_plain_text()
    {
        var tls = TestServiceConfig.Nested("tls", $"""
            cert_file: {_pki.Server.CertFile}
            key_file: {_pki.Server.KeyFile}
            client_ca_file: {_pki.CaFile}
            min_version: "1.2"
            reload_interval: 1m
            """);
        var (service, ports) = await ServiceTestHost.StartOnFreshAsync(5, ports => new TestServiceConfig()
            .Receiver("otlp", TestServiceConfig.Nested("protocols", TestServiceConfig.Nested("http", $"endpoint: 127.0.0.1:{ports[0]}\n{tls}")))
            .Exporter("kubetrace", $"path: {_data.Path}")
            .Extension("kubetrace_query", $"endpoint: 127.0.0.1:{ports[1]}\ntempo_endpoint: 127.0.0.1:{ports[2]}\n{tls}")
            .Extension("health_check", $"endpoint: 127.0.0.1:{ports[3]}\n{tls}")
            .Telemetry(TestServiceConfig.Nested("metrics", $"address: 127.0.0.1:{ports[4]}\n{tls}")).Yaml);
        await using var running = service;
        using var client = new HttpClient(_pki.Handler(_pki.Client)) { Timeout = TimeSpan.FromSeconds(10) };
        using var anonymous = new HttpClient(_pki.Handler()) { Timeout = TimeSpan.FromSeconds(10) };

        var urls = new[]
        {
            $"127.0.0.1:{ports[1]}/api/v1/services", $"127.0.0.1:{ports[1]}/api/services", $"127.0.0.1:{ports[1]}/ui",
            $"127.0.0.1:{ports[2]}/api/echo", $"127.0.0.1:{ports[3]}/", $"127.0.0.1:{ports[4]}/metrics",
        };
        foreach (var url in urls)
        {
            using var response = await client.GetAsync("https://" + url);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{url}: {(int)response.StatusCode}");
            await Assert.ThrowsAnyAsync<HttpRequestException>(() => anonymous.GetAsync("https://" + url));
            await Assert.ThrowsAnyAsync<HttpRequestException>(() => client.GetAsync("http://" + url));
        }
        using var export = await client.PostAsync($"https://127.0.0.1:{ports[0]}/v1/traces",
            Receivers.OtlpHttpClient.Protobuf(SampleRequests.Valid(2)));
        Assert.Equal(HttpStatusCode.OK, export.StatusCode);
    }

    [Fact]
    public void A_missing_key_file_or_an_old_tls_version_is_a_config_error_naming_the_key_and_line()
    {
        var result = new TestServiceConfig()
            .Receiver("otlp", TestServiceConfig.Nested("protocols", TestServiceConfig.Nested("grpc", TestServiceConfig.Nested("tls", $"""
                cert_file: {_pki.Server.CertFile}
                min_version: "1.1"
                """))))
            .Exporter("nop")
            .Load(fileName: "tls.yaml");

        var errors = string.Join("\n", result.Errors);
        Assert.Contains("receivers::otlp::protocols::grpc::tls::key_file: is required when tls is set", errors);
        Assert.Contains("receivers::otlp::protocols::grpc::tls::min_version: TLS 1.1 is not supported: it is deprecated (RFC 8996)", errors);
    }
}
