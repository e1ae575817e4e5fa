using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Kubetrace.Tests.TestSupport;

namespace Kubetrace.Tests.Service;

/// <summary>
/// Credentials never reach the log: a real <c>kubetrace serve</c> at debug level, with a bearer token on the OTLP
/// receiver and the health check and basic auth on the query port, is sent wrong and right credentials on each;
/// nothing it writes (stdout, stderr) holds a token, a password or their base64 form. The health check honours
/// its <c>auth:</c> like any listener.
/// </summary>
public sealed class SecretsNeverLoggedTests : IDisposable
{
    private const string AgentToken = "agent-token-7f3e9c1d", WrongToken = "wrong-token-b2a8d4e6";
    private const string Password = "reader-password-5c1e", WrongPassword = "guessed-password-9d7a";
    private readonly TempDirectory _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task No_token_or_password_appears_in_the_output_of_a_run_with_failed_and_successful_authentication()
    {
        await using var server = await KubetraceProcess.ServeAsync(Path.Combine(_folder.Path, "config.yaml"), 3, ports => new TestServiceConfig()
            .Receiver("otlp", $"""
                protocols:
                  http:
                    endpoint: 127.0.0.1:{ports[0]}
                    auth:
                      authenticator: bearertokenauth/agents
                """)
            .Exporter("kubetrace", $"path: {Path.Combine(_folder.Path, "data")}")
            .Extension("bearertokenauth/agents", $"token: {AgentToken}")
            .Extension("basicauth/readers", $"""
                htpasswd:
                  inline: "reader:{BCrypt.Net.BCrypt.HashPassword(Password, workFactor: 5)}"
                """)
            .Extension("health_check", $"endpoint: 127.0.0.1:{ports[2]}\nauth:\n  authenticator: bearertokenauth/agents")
            // tempo_endpoint off: its default is the fixed localhost:3200
            .Extension("kubetrace_query", $"endpoint: 127.0.0.1:{ports[1]}\ntempo_endpoint: \"\"\nauth:\n  authenticator: basicauth/readers")
            .Telemetry("logs:\n  level: debug\nmetrics:\n  level: none").Yaml);
        var (otlp, query, health) = (server.Ports[0], server.Ports[1], server.Ports[2]);
        using var http = new HttpClient();
        const string span = """{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174","name":"GET /api/v1/pods","startTimeUnixNano":"1700000000000000000","endTimeUnixNano":"1700000000500000000"}]}]}]}""";

        Assert.Equal(HttpStatusCode.Unauthorized, await SendAsync(http, HttpMethod.Post, $"http://127.0.0.1:{otlp}/v1/traces", Bearer(WrongToken), span));
        Assert.Equal(HttpStatusCode.OK, await SendAsync(http, HttpMethod.Post, $"http://127.0.0.1:{otlp}/v1/traces", Bearer(AgentToken), span));
        Assert.Equal(HttpStatusCode.Unauthorized, await SendAsync(http, HttpMethod.Get, $"http://127.0.0.1:{query}/api/v1/services", Basic(WrongPassword)));
        Assert.Equal(HttpStatusCode.OK, await SendAsync(http, HttpMethod.Get, $"http://127.0.0.1:{query}/api/v1/services", Basic(Password)));
        Assert.Equal(HttpStatusCode.Unauthorized, await SendAsync(http, HttpMethod.Get, $"http://127.0.0.1:{health}/", null));
        Assert.Equal(HttpStatusCode.Unauthorized, await SendAsync(http, HttpMethod.Get, $"http://127.0.0.1:{health}/", Bearer(WrongToken)));
        Assert.Equal(HttpStatusCode.OK, await SendAsync(http, HttpMethod.Get, $"http://127.0.0.1:{health}/", Bearer(AgentToken)));
        await server.StopCleanlyAsync();

        var output = server.Stdout + server.Stderr;
        Assert.Contains("Shutdown complete", output, StringComparison.Ordinal); // the log was written, at debug level
        foreach (var secret in new[] { AgentToken, WrongToken, Password, WrongPassword, Basic(Password).Parameter!, Basic(WrongPassword).Parameter! })
            Assert.DoesNotContain(secret, output, StringComparison.Ordinal);
    }

    private static AuthenticationHeaderValue Bearer(string token) => new("Bearer", token);

    private static AuthenticationHeaderValue Basic(string password) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"reader:{password}")));

    private static async Task<HttpStatusCode> SendAsync(HttpClient http, HttpMethod method, string url, AuthenticationHeaderValue? authorization, string? json = null)
    {
        using var request = new HttpRequestMessage(method, url);
        request.Headers.Authorization = authorization;
        if (json is not null) request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        using var response = await http.SendAsync(request);
        return response.StatusCode;
    }
}
