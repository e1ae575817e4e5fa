using System.Net;
using System.Net.Http.Headers;
using Kubetrace.Config;
using Kubetrace.Tests.EndToEnd.Harness;
using Kubetrace.Tests.Service;

namespace Kubetrace.Tests.Api;

/// <summary>The <c>kubetrace_query</c> extension with <c>auth:</c>: both ports (UI, native, Jaeger, Tempo) refuse callers without credentials.</summary>
public sealed class QueryAuthenticationTests : IDisposable
{
    private readonly TempDirectory _data = new();

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task Every_query_route_answers_401_without_the_token_and_200_with_it()
    {
        var (service, ports) = await ServiceTestHost.StartOnFreshAsync(3, ports => new TestServiceConfig(ports[0])
            .Exporter("kubetrace", $"path: {_data.Path}")
            .Extension("bearertokenauth/readers", "token: reader-token")
            .Extension("kubetrace_query", $"""
                endpoint: 127.0.0.1:{ports[1]}
                tempo_endpoint: 127.0.0.1:{ports[2]}
                auth:
                  authenticator: bearertokenauth/readers
                """).Yaml);
        await using var running = service;
        using var http = new HttpClient();
        var paths = new[]
        {
            $"{ports[1]}/api/v1/services", $"{ports[1]}/api/v1/search", $"{ports[1]}/api/v1/analyze", $"{ports[1]}/api/services",
            $"{ports[1]}/ui", $"{ports[1]}/ui/assets/app.js", $"{ports[2]}/api/search", $"{ports[2]}/api/echo",
        };
        foreach (var path in paths)
        {
            using var anonymous = await http.GetAsync($"http://127.0.0.1:{path}");
            Assert.True(anonymous.StatusCode == HttpStatusCode.Unauthorized, $"{path} without a token: {(int)anonymous.StatusCode}");
            using var request = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{path}");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "wrong-token");
            using var wrong = await http.SendAsync(request);
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }
        using var good = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{ports[1]}/api/v1/services");
        good.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "reader-token");
        using var answer = await http.SendAsync(good);
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
    }
}
