using System.Net;
using System.Text.Json.Nodes;
using Kubetrace.Api.Audit;

namespace Kubetrace.Tests.Api.Authorization;

/// <summary>The audit log: a JSON line per query with who asked what and what came back, and never a credential.</summary>
public sealed class QueryAuditTests(ScopedQueryServer server) : IClassFixture<ScopedQueryServer>
{
    [Fact]
    public async Task Every_query_is_a_json_line_with_principal_tenant_endpoint_parameters_results_and_status()
    {
        using var carol = ScopedQueryServer.As("carol");
        using var mallory = ScopedQueryServer.As("mallory");
        using var search = await carol.GetAsync($"{server.QueryUrl}/api/v1/search?service=frontend-a&{Spans.WindowQuery}");
        using var refused = await mallory.GetAsync($"{server.TempoUrl}/api/search");
        using var anonymous = new HttpClient();
        using var unauthenticated = await anonymous.GetAsync($"{server.QueryUrl}/api/v1/services");
        Assert.Equal(HttpStatusCode.OK, search.StatusCode);

        var lines = await AuditLinesAsync(3);
        var found = lines.Single(l => (string?)l["path"] == "/api/v1/search" && (string?)l["principal"] == "carol");
        Assert.Equal("platform", (string?)found["tenant"]);
        Assert.Equal("team-a*, cluster", (string?)found["grant"]);
        Assert.Equal("/api/v1/search", (string?)found["endpoint"]);
        Assert.Equal("frontend-a", (string?)found["parameters"]!["service"]);
        Assert.Equal(200, (int)found["status"]!);
        Assert.True((long)found["results"]! >= 1, found.ToJsonString());
        Assert.True(DateTimeOffset.TryParse((string?)found["time"], out _), found.ToJsonString());
        Assert.Contains(lines, l => (string?)l["principal"] == "mallory" && (int)l["status"]! == 403 && (string?)l["endpoint"] == "/api/search");
        Assert.Contains(lines, l => l["principal"] is null && (int)l["status"]! == 401 && (string?)l["path"] == "/api/v1/services");
    }

    /// <summary>Names under which clients and proxies pass credentials in a query string (signed URLs, API keys, JWTs).</summary>
    [Theory]
    [InlineData("access_token")]
    [InlineData("id_token")]
    [InlineData("Password")]
    [InlineData("api_key")]
    [InlineData("x-api-key")]
    [InlineData("jwt")]
    [InlineData("X-Amz-Signature")]
    [InlineData("sig")]
    [InlineData("session_id")]
    [InlineData("client_secret")]
    public void A_parameter_named_for_a_credential_is_redacted(string name) => Assert.True(QueryAuditLog.IsSecret(name), name);

    [Theory]
    [InlineData("service")]
    [InlineData("key")]
    [InlineData("traceId")]
    [InlineData("q")]
    [InlineData("tags")]
    [InlineData("lookback")]
    public void A_query_parameter_is_written_as_it_is(string name) => Assert.False(QueryAuditLog.IsSecret(name), name);

    [Fact]
    public async Task Credentials_never_reach_the_audit_file_or_the_log()
    {
        using var alice = ScopedQueryServer.As("alice");
        using var wrong = new HttpClient();
        wrong.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes("alice:" + ScopedQueryServer.Password + "-old")));
        using var withSecretParameter = await alice.GetAsync($"{server.QueryUrl}/api/v1/services?access_token={ScopedQueryServer.Password}");
        using var refused = await wrong.GetAsync($"{server.QueryUrl}/api/v1/services");
        using var failing = await alice.GetAsync($"{server.QueryUrl}/api/v1/search?lookback=nonsense&token={ScopedQueryServer.Password}");
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);

        var lines = await AuditLinesAsync(3);
        Assert.Contains(lines, l => (string?)l["parameters"]?["access_token"] == QueryAuditLog.Redacted);
        var audit = await ReadSharedAsync(server.AuditFile);
        var log = string.Join("\n", server.Log);
        foreach (var secret in new[] { ScopedQueryServer.Password, ScopedQueryServer.BasicCredentials("alice") })
        {
            Assert.DoesNotContain(secret, audit, StringComparison.Ordinal);
            Assert.DoesNotContain(secret, log, StringComparison.Ordinal);
        }
    }

    private async Task<List<JsonNode>> AuditLinesAsync(int atLeast)
    {
        List<JsonNode> lines = [];
        await Wait.UntilAsync(async () =>
        {
            lines = (await ReadSharedAsync(server.AuditFile)).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!).ToList();
            return lines.Count >= atLeast;
        }, "audit lines written");
        return lines;
    }

    /// <summary>The server keeps the file open for appending.</summary>
    private static async Task<string> ReadSharedAsync(string path)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        return await new StreamReader(stream).ReadToEndAsync();
    }
}
