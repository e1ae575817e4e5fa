using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Google.Protobuf;
using Kubetrace.Api.Extension;
using Kubetrace.Config;
using Kubetrace.Service;

namespace Kubetrace.Tests.Api.Authorization;

/// <summary>
/// A real service with <see cref="ThreeNamespaces"/> stored, the query ports behind basicauth, a policy file and
/// an audit log: <c>alice</c> reads team-a, <c>carol</c> reads <c>team-a*</c> and cluster-scoped data, <c>root</c>
/// reads all, <c>mallory</c> is a user no rule names.
/// </summary>
public sealed class ScopedQueryServer : IAsyncLifetime
{
    public const string Password = "pa55-Wh0le-S3cret";

    public const string Policy = """
        readers:
          - name: team a
            subjects: [alice]
            namespaces: [team-a]
          - subjects: [carol]
            namespaces: ["team-a*"]
            cluster: true
            tenant: platform
          - subjects: [root]
            all: true
        """;

    private readonly TempDirectory _folder = new();
    private KubetraceService? _service;

    public ConcurrentQueue<string> Log { get; } = new();

    public string AuditFile => Path.Combine(_folder.Path, "audit", "queries.jsonl");

    public string QueryUrl { get; private set; } = "";

    public string TempoUrl { get; private set; } = "";

    public KubetraceQueryExtension Extension => (KubetraceQueryExtension)_service!.Components.Single(c => c.Component is KubetraceQueryExtension).Component;

    public async Task InitializeAsync()
    {
        var policy = Path.Combine(_folder.Path, "policy.yaml");
        await File.WriteAllTextAsync(policy, Policy);
        var sha = "{SHA}" + Convert.ToBase64String(SHA1.HashData(Encoding.UTF8.GetBytes(Password)));
        var users = string.Join("\n", new[] { "alice", "carol", "root", "mallory" }.Select(u => $"    {u}:{sha}"));
        var (service, ports) = await ServiceTestHost.StartOnFreshAsync(3, ports => new TestServiceConfig(ports[0])
            .Exporter("kubetrace", $"path: {Path.Combine(_folder.Path, "data")}")
            .Extension("basicauth/people", "htpasswd:\n  inline: |\n" + users)
            .Extension("kubetrace_query", $"""
                endpoint: 127.0.0.1:{ports[1]}
                tempo_endpoint: 127.0.0.1:{ports[2]}
                auth:
                  authenticator: basicauth/people
                authorization:
                  policy_file: {policy}
                audit:
                  file: {AuditFile}
                """).Yaml,
            logs: TestSettings.Capturing(Log));
        _service = service;
        QueryUrl = $"http://127.0.0.1:{ports[1]}";
        TempoUrl = $"http://127.0.0.1:{ports[2]}";
        using var http = new HttpClient();
        using var content = new ByteArrayContent(ThreeNamespaces.Request().ToByteArray());
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");
        using var response = await http.PostAsync($"http://127.0.0.1:{ports[0]}/v1/traces", content);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    /// <summary>A client that sends <paramref name="user"/>'s credentials.</summary>
    public static HttpClient As(string user)
    {
        var http = new HttpClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", BasicCredentials(user));
        return http;
    }

    public static string BasicCredentials(string user) => Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{Password}"));

    public async Task DisposeAsync()
    {
        if (_service is not null) await _service.ShutdownAsync();
        _folder.Dispose();
    }
}
