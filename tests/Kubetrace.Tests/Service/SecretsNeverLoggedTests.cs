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
        var config = Path.Combine(_folder.Path, "config.yaml");
        int otlp = 0, query = 0, health = 0;
        await using var server = await FreePorts.StartOnFreshAsync(3, async ports =>
        {
            (otlp, query, health) = (ports[0], ports[1], ports[2]);
            await File.WriteAllTextAsync(config, $"""
                receivers:
                  otlp:
                    protocols:
                      http:
                        endpoint: 127.0.0.1:{otlp}
                        auth:
                          authenticator: bearertokenauth/agents
                exporters:
                  kubetrace:
                    path: {Path.Combine(_folder.Path, "data")}
                extensions:
                  bearertokenauth/agents:
                    token: {AgentToken}
                  basicauth/readers:
                    htpasswd:
                      inline: "reader:{BCrypt.Net.BCrypt.HashPassword(Password, workFactor: 5)}"
                  health_check:
                    endpoint: 127.0.0.1:{health}
                    auth:
                      authenticator: bearertokenauth/agents
                  kubetrace_query:
                    endpoint: 127.0.0.1:{query}
                    auth:
                      authenticator: basicauth/readers
                service:
                  extensions: [bearertokenauth/agents, basicauth/readers, health_check, kubetrace_query]
                  telemetry:
                    logs:
                      level: debug
                    metrics:
                      level: none
                  pipelines:
                    traces:
                      receivers: [otlp]
                      exporters: [kubetrace]
                """);
            return await KubetraceProcess.StartAsync(config, [("127.0.0.1", otlp), ("127.0.0.1", query), ("127.0.0.1", health)]);
        });
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
