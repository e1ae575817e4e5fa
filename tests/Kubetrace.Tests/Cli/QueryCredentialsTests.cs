using System.Net;
using System.Net.Http.Headers;
using Google.Protobuf;
using Kubetrace.Config;
using Kubetrace.Service;
using Kubetrace.Tests.Storage;

namespace Kubetrace.Tests.Cli;

/// <summary>
/// The query commands against a server whose query port needs TLS with a private CA and a bearer token:
/// <c>--ca-file</c> with <c>--token-file</c> or <c>--token</c> gets answers; without either, a one-line reason.
/// </summary>
public sealed class QueryCredentialsTests : IAsyncLifetime
{
    private const string Token = "cli-Reader-7f3a9c";
    private readonly TempDirectory _folder = new();
    private readonly TestPki _pki = new();
    private KubetraceService? _service;
    private string _url = "";

    private string TokenFile => Path.Combine(_folder.Path, "token");

    public async Task InitializeAsync()
    {
        await File.WriteAllTextAsync(TokenFile, Token + "\n");
        var (service, ports) = await ServiceTestHost.StartOnFreshAsync(2, ports => new TestServiceConfig(ports[0])
            .Exporter("kubetrace", $"path: {Path.Combine(_folder.Path, "data")}")
            .Extension("bearertokenauth/cli", $"filename: {TokenFile}")
            .Extension("kubetrace_query", $"""
                endpoint: 127.0.0.1:{ports[1]}
                tempo_endpoint: ""
                tls:
                  cert_file: {_pki.Server.CertFile}
                  key_file: {_pki.Server.KeyFile}
                auth:
                  authenticator: bearertokenauth/cli
                """).Yaml);
        _service = service;
        _url = $"https://localhost:{ports[1]}";
        using var http = new HttpClient();
        using var content = new ByteArrayContent(Spans.Request(Spans.Resource("kube-apiserver", Spans.Span(1, 1, 0, "KubernetesAPI"))).ToByteArray());
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");
        using var response = await http.PostAsync($"http://127.0.0.1:{ports[0]}/v1/traces", content);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task With_the_private_CA_and_the_token_file_or_the_token_the_query_commands_answer()
    {
        var fromFile = await CliRun.RunAsync("services", "--server", _url, "--ca-file", _pki.CaFile, "--token-file", TokenFile);
        var inline = await CliRun.RunAsync("services", "--server", _url, "--ca-file", _pki.CaFile, "--token", Token);

        Assert.True(fromFile.Code == 0, fromFile.Error);
        Assert.Equal(["kube-apiserver"], fromFile.Lines);
        Assert.True(inline.Code == 0, inline.Error);
        Assert.Equal(["kube-apiserver"], inline.Lines);
    }

    [Fact]
    public async Task Without_the_CA_or_with_a_wrong_token_the_command_fails_with_one_line_that_holds_no_token()
    {
        var untrusted = await CliRun.RunAsync("services", "--server", _url, "--token-file", TokenFile);
        var otherCa = await CliRun.RunAsync("services", "--server", _url, "--ca-file", _pki.OtherCaFile, "--token-file", TokenFile);
        var noToken = await CliRun.RunAsync("services", "--server", _url, "--ca-file", _pki.CaFile);
        var wrongToken = await CliRun.RunAsync("search", "--server", _url, "--ca-file", _pki.CaFile, "--token", "not-" + Token);
        var both = await CliRun.RunAsync("services", "--server", _url, "--token", Token, "--token-file", TokenFile);

        Assert.Equal(1, untrusted.Code);
        Assert.Contains("cannot reach kubetrace", untrusted.Error, StringComparison.Ordinal);
        Assert.Equal(1, otherCa.Code);
        Assert.Equal(1, noToken.Code);
        Assert.Contains("unauthenticated", noToken.Error, StringComparison.Ordinal);
        Assert.Equal(1, wrongToken.Code);
        Assert.Contains("unauthenticated", wrongToken.Error, StringComparison.Ordinal);
        Assert.Equal(1, both.Code);
        Assert.Contains("not both", both.Error, StringComparison.Ordinal);
        foreach (var result in new[] { untrusted, otherCa, noToken, wrongToken, both })
            Assert.DoesNotContain(Token, result.Output + result.Error, StringComparison.Ordinal);
    }

    public async Task DisposeAsync()
    {
        if (_service is not null) await _service.ShutdownAsync();
        _pki.Dispose();
        _folder.Dispose();
    }
}
