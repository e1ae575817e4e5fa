using System.Net;

namespace Kubetrace.Tests.Api;

/// <summary>
/// The query ports answer only to Host names meant to reach them (DNS rebinding protection): loopback names and
/// the endpoint's own host by default, plus <c>allowed_hosts</c>; anything else is 421 naming the key.
/// </summary>
public sealed class HostHeaderTests
{
    [Theory]
    [InlineData("query", "/api/v1/stats")]
    [InlineData("tempo", "/api/echo")]
    public async Task A_foreign_host_name_is_refused_and_loopback_names_are_served(string port, string path)
    {
        await using var server = await QueryServer.StartAsync();
        var client = port == "tempo" ? server.Tempo : server.Query;

        var rebound = await SendAsync(client, path, "attacker.example:16686");
        var answers = new List<HttpStatusCode>();
        foreach (var host in new[] { "localhost:16686", "127.0.0.1", "[::1]:3200", "kubetrace.localhost" })
            answers.Add((await SendAsync(client, path, host)).StatusCode);

        Assert.Equal(HttpStatusCode.MisdirectedRequest, rebound.StatusCode);
        Assert.Contains("allowed_hosts", await rebound.Content.ReadAsStringAsync());
        Assert.All(answers, status => Assert.Equal(HttpStatusCode.OK, status));
    }

    [Fact]
    public async Task Allowed_hosts_adds_names_and_a_star_allows_any()
    {
        await using var named = await QueryServer.StartAsync("allowed_hosts: [traces.example.com]");
        await using var any = await QueryServer.StartAsync("allowed_hosts: ['*']");

        Assert.Equal(HttpStatusCode.OK, (await SendAsync(named.Query, "/api/v1/stats", "traces.example.com")).StatusCode);
        Assert.Equal(HttpStatusCode.MisdirectedRequest, (await SendAsync(named.Query, "/api/v1/stats", "other.example.com")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(any.Query, "/api/v1/stats", "other.example.com")).StatusCode);
    }

    private static Task<HttpResponseMessage> SendAsync(HttpClient client, string path, string host)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Host = host;
        return client.SendAsync(request);
    }
}
