using System.Net;
using System.Text.Json.Nodes;
using Kubetrace.Config;
using Kubetrace.Tests.Kubernetes.Analyses;

namespace Kubetrace.Tests.Api;

/// <summary>
/// The components' sampling rates given to the server (<c>kubetrace_query</c>'s <c>sampling_rate_per_million</c>)
/// scale every analysis; a query's <c>sampling-rate-per-million</c> overrides them; bad rates are clear errors.
/// </summary>
public sealed class SamplingRateConfigTests
{
    [Fact]
    public async Task The_configured_rate_scales_analyses_and_a_querys_rate_overrides_it()
    {
        await using var server = await QueryServer.StartAsync("sampling_rate_per_million: { apiserver: 100, \"*\": 1000000 }");
        var origin = DateTimeOffset.UtcNow.AddMinutes(-5);
        await server.PostOtlpJsonAsync(TraceBuilder.OtlpJson([ApiserverFixtures.PodCreate127(origin), ApiserverFixtures.PodCreate127(origin)]), "two pod creates");

        Assert.Equal(20_000, (await SampleAsync(server, ""))["estimated"]!.GetValue<double>());
        Assert.Equal(2_000, (await SampleAsync(server, "&sampling-rate-per-million=apiserver=1000"))["estimated"]!.GetValue<double>());

        using var bad = await server.Query.GetAsync("/api/v1/analyze/apiserver?sampling-rate-per-million=apiserver=lots");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var message = JsonNode.Parse(await bad.Content.ReadAsStringAsync())!["error"]!["message"]!.GetValue<string>();
        Assert.StartsWith("sampling-rate-per-million: \"apiserver=lots\" is not N or component=N", message);
    }

    private static async Task<JsonNode> SampleAsync(QueryServer server, string query)
    {
        var body = await server.Query.GetStringAsync($"/api/v1/analyze/apiserver?since=1h{query}");
        return JsonNode.Parse(body)!["data"]!["groups"]!.AsArray().Single()!["sample"]!;
    }

    [Fact]
    public void A_rate_outside_0_to_a_million_is_a_config_error_naming_the_key()
    {
        var result = new ConfigLoader(ComponentCatalog.Default, _ => null).Load("""
            extensions:
              kubetrace_query:
                sampling_rate_per_million:
                  apiserver: 2000000
            service:
              extensions: [kubetrace_query]

            """, "kubetrace.yaml");

        Assert.Contains(result.Errors, e => e.ToString().Contains("sampling_rate_per_million::apiserver", StringComparison.Ordinal)
            && e.ToString().Contains("2000000 is outside 0..1000000", StringComparison.Ordinal));
    }
}
