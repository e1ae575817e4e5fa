using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using Kubetrace.Config;
using Kubetrace.Service;

namespace Kubetrace.Tests.Service;

/// <summary>
/// <c>service.telemetry.metrics</c> with <c>auth: authenticator:</c>, as every other listener: a scrape without the
/// credential is refused with 401, an unknown authenticator stops start-up, and an exposed endpoint is warned about.
/// </summary>
public sealed class MetricsEndpointSecurityTests
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };

    private static TestServiceConfig Config(string metrics) => new TestServiceConfig()
        .Receiver("otlp", "protocols:\n  http:\n    endpoint: 127.0.0.1:0")
        .Exporter("debug")
        .Extension("bearertokenauth/scrapers", "token: scraper-token")
        .Telemetry(metrics);

    [Fact]
    public async Task A_scrape_needs_the_authenticators_credential()
    {
        var yaml = Config("metrics:\n  address: 127.0.0.1:0\n  auth:\n    authenticator: bearertokenauth/scrapers").Yaml;
        await using var service = await ServiceTestHost.StartAsync(yaml, ComponentCatalog.Default);
        var url = service.MetricsUrls[0] + "/metrics";

        using var anonymous = await Http.GetAsync(url);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal("Bearer realm=\"kubetrace\"", anonymous.Headers.WwwAuthenticate.ToString());
        Assert.Equal("unauthenticated: missing Authorization header\n", await anonymous.Content.ReadAsStringAsync());

        using var wrong = await ScrapeAsync(url, "guessed-token");
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);

        using var good = await ScrapeAsync(url, "scraper-token");
        Assert.Equal(HttpStatusCode.OK, good.StatusCode);
        Assert.Contains("# TYPE otelcol_process_uptime gauge\n", await good.Content.ReadAsStringAsync());
    }

    [Fact]
    public void An_authenticator_not_listed_in_service_extensions_is_a_config_error_at_its_line()
    {
        var result = Config("metrics:\n  address: 127.0.0.1:0\n  auth:\n    authenticator: basicauth/people").Load();

        var error = Assert.Single(result.Errors);
        Assert.Equal("config.yaml:21:24: service::telemetry::metrics::auth::authenticator: \"basicauth/people\" is not listed in service::extensions: define the authenticator under extensions: and list it there",
            error.ToString());
    }

    [Fact]
    public void An_empty_authenticator_is_a_config_error_at_its_line()
    {
        var result = Config("metrics:\n  address: 127.0.0.1:0\n  auth:\n    authenticator: \"\"").Load();

        var error = Assert.Single(result.Errors);
        Assert.StartsWith("config.yaml:21:24: service::telemetry::metrics::auth::authenticator: is required: the ID of an authenticator extension", error.ToString());
    }

    [Fact]
    public async Task An_extension_that_is_not_an_authenticator_stops_start_up_naming_the_key()
    {
        var yaml = Config("metrics:\n  address: 127.0.0.1:0\n  auth:\n    authenticator: health_check")
            .Extension("health_check", "endpoint: 127.0.0.1:0").Yaml;

        var error = await Assert.ThrowsAsync<ServiceStartException>(() => ServiceTestHost.StartAsync(yaml, ComponentCatalog.Default));

        Assert.Equal("cannot start the metrics endpoint (service.telemetry.metrics): auth.authenticator \"health_check\" is not an authenticator extension (bearertokenauth, basicauth, oidc) listed in service.extensions", error.Message);
    }

    [Fact]
    public async Task Metrics_on_all_interfaces_without_tls_or_auth_warn_and_on_loopback_do_not()
    {
        var exposed = new ConcurrentQueue<string>();
        await using (await ServiceTestHost.StartAsync(Config("metrics:\n  address: 0.0.0.0:0").Yaml, ComponentCatalog.Default,
                         logs: TestSettings.Capturing(exposed)))
        {
        }
        var authenticated = new ConcurrentQueue<string>();
        await using (await ServiceTestHost.StartAsync(
                         Config("metrics:\n  address: 0.0.0.0:0\n  auth:\n    authenticator: bearertokenauth/scrapers").Yaml,
                         ComponentCatalog.Default, logs: TestSettings.Capturing(authenticated)))
        {
        }
        var local = new ConcurrentQueue<string>();
        await using (await ServiceTestHost.StartAsync(Config("metrics:\n  address: 127.0.0.1:0").Yaml, ComponentCatalog.Default,
                         logs: TestSettings.Capturing(local)))
        {
        }

        Assert.Contains(exposed, l => l.StartsWith("Warning: Service metrics listens on 0.0.0.0:0, reachable from other machines, with neither TLS nor authentication", StringComparison.Ordinal));
        Assert.Contains(authenticated, l => l.StartsWith("Warning: Service metrics listens on 0.0.0.0:0, reachable from other machines, with no TLS", StringComparison.Ordinal));
        Assert.DoesNotContain(local, l => l.StartsWith("Warning: Service metrics", StringComparison.Ordinal));
    }

    private static Task<HttpResponseMessage> ScrapeAsync(string url, string token)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return Http.SendAsync(request);
    }
}
