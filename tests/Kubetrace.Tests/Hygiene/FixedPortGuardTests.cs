using Kubetrace.Config;

namespace Kubetrace.Tests.Hygiene;

/// <summary>
/// A test service may listen only on ports FreePorts chose or on port 0: a listener left on its default port (a
/// fixed one) fails the test before anything binds, with the key to set. Source rules cannot see this: the config
/// names no port at all.
/// </summary>
public sealed class FixedPortGuardTests : IDisposable
{
    private readonly TempDirectory _folder = new();

    public void Dispose() => _folder.Dispose();

    /// <summary>The query extension on <paramref name="tempoEndpoint"/>; without one it listens on localhost:3200 (SecretsNeverLoggedTests' server did).</summary>
    private string Yaml(string? tempoEndpoint) => new TestServiceConfig(0)
        .Exporter("kubetrace", $"path: {_folder.File("data")}")
        .Extension("kubetrace_query", "endpoint: 127.0.0.1:0" + (tempoEndpoint is null ? "" : $"\ntempo_endpoint: {tempoEndpoint}"))
        .Yaml;

    [Fact]
    public async Task A_service_started_in_process_with_a_listener_on_its_default_port_fails_naming_the_key()
    {
        var error = await Assert.ThrowsAnyAsync<Xunit.Sdk.XunitException>(() => ServiceTestHost.StartAsync(Yaml(tempoEndpoint: null), ComponentCatalog.Default));

        Assert.Contains("extensions::kubetrace_query::tempo_endpoint: localhost:3200", error.Message);
    }

    [Fact]
    public async Task A_kubetrace_serve_config_with_a_listener_on_its_default_port_fails_before_the_process_starts()
    {
        var config = _folder.File("config.yaml");

        var error = await Assert.ThrowsAnyAsync<Xunit.Sdk.XunitException>(() => KubetraceProcess.ServeAsync(config, 1, _ => Yaml(tempoEndpoint: null)));

        Assert.Contains("extensions::kubetrace_query::tempo_endpoint: localhost:3200", error.Message);
        Assert.False(File.Exists(config));
    }

    [Fact]
    public async Task A_service_on_ports_from_FreePorts_and_port_0_starts()
    {
        var (service, ports) = await ServiceTestHost.StartOnFreshAsync(1, ports => Yaml($"127.0.0.1:{ports[0]}"));
        await using var running = service;
        using var http = new HttpClient();

        using var echo = await http.GetAsync($"http://127.0.0.1:{ports[0]}/api/echo");
        Assert.Equal(System.Net.HttpStatusCode.OK, echo.StatusCode);
    }
}
