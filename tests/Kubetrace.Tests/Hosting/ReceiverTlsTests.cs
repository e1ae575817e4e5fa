using System.Diagnostics;
using System.Net.Security;
using System.Net.Sockets;
using Kubetrace.Tests.EndToEnd;
using Kubetrace.Tests.EndToEnd.Harness;
using Kubetrace.Tests.Receivers;
using OpenTelemetry.Exporter;

namespace Kubetrace.Tests.Hosting;

/// <summary>
/// The <c>otlp</c> receiver with <c>tls:</c> on both protocols, driven by the OpenTelemetry .NET SDK's exporter and
/// by plain TLS clients: what a correct client gets through, and how every wrong one is refused.
/// </summary>
public sealed class ReceiverTlsTests : IDisposable
{
    private readonly TestPki _pki = new();

    public void Dispose() => _pki.Dispose();

    private Task<RunningReceiver> StartAsync(bool mutual, PemPair? certificate = null, TestSettings? log = null) =>
        RunningReceiver.StartAsync(config =>
        {
            config.Protocols.Grpc!.Tls = _pki.ServerConfig(mutual, certificate);
            config.Protocols.Http!.Tls = _pki.ServerConfig(mutual, certificate);
        }, log?.Settings.LoggerFactory);

    [Theory]
    [InlineData(OtlpExportProtocol.Grpc)]
    [InlineData(OtlpExportProtocol.HttpProtobuf)]
    public async Task The_dotnet_sdk_exports_over_TLS_trusting_only_the_private_ca(OtlpExportProtocol protocol)
    {
        await using var receiver = await StartAsync(mutual: false);
        Assert.Equal("https", receiver.GrpcAddress.Scheme);

        SendWithSdk(protocol, receiver, () => new HttpClient(_pki.Handler()));

        Assert.Equal(3, receiver.Consumer.SpanCount);
    }

    [Theory]
    [InlineData(OtlpExportProtocol.Grpc)]
    [InlineData(OtlpExportProtocol.HttpProtobuf)]
    public async Task The_dotnet_sdk_exports_over_mutual_TLS_with_a_client_certificate_from_the_client_ca(OtlpExportProtocol protocol)
    {
        await using var receiver = await StartAsync(mutual: true);

        SendWithSdk(protocol, receiver, () => new HttpClient(_pki.Handler(_pki.Client)));

        Assert.Equal(3, receiver.Consumer.SpanCount);
    }

    /// <summary>The OpenTelemetry JS exporters (tests/clients/js), given the private CA and, for mTLS, a client certificate.</summary>
    [RequiresNodeClientsTheory]
    [InlineData("grpc", false)]
    [InlineData("grpc", true)]
    [InlineData("proto", false)]
    [InlineData("proto", true)]
    [InlineData("http", true)]
    public async Task The_js_exporters_export_over_TLS_and_mutual_TLS_trusting_only_the_private_ca(string protocol, bool mutual)
    {
        await using var receiver = await StartAsync(mutual);
        var endpoint = protocol == "grpc" ? receiver.GrpcAddress : receiver.Receiver.HttpAddress!;
        Assert.Equal("https", endpoint.Scheme);

        var sent = await NodeClient.SendNestedTraceAsync(protocol, "none", endpoint,
            (_pki.CaFile, mutual ? _pki.Client.CertFile : null, mutual ? _pki.Client.KeyFile : null));

        Assert.Equal(sent.Spans.Count, receiver.Consumer.SpanCount);
        Assert.Equal(4, receiver.Consumer.SpanCount);
    }

    [Fact]
    public async Task The_dotnet_sdk_without_a_client_certificate_delivers_nothing_to_a_mutual_TLS_receiver()
    {
        var log = new TestSettings("otlp");
        await using var receiver = await StartAsync(mutual: true, log: log);

        SendWithSdk(OtlpExportProtocol.Grpc, receiver, () => new HttpClient(_pki.Handler()));

        Assert.Equal(0, receiver.Consumer.SpanCount);
        Assert.Contains(log.Log, l => l.Contains("no client certificate (client_ca_file requires one)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_client_certificate_from_another_ca_is_refused_and_the_log_says_why()
    {
        var log = new TestSettings("otlp");
        await using var receiver = await StartAsync(mutual: true, log: log);

        // Under TLS 1.3 the client finishes its side of the handshake before the server judges its certificate, so
        // the client sees the connection end; the reason is in the receiver's log.
        await Assert.ThrowsAsync<HttpRequestException>(() => PostAsync(receiver, _pki.Handler(_pki.ForeignClient)));

        Assert.Equal(0, receiver.Consumer.SpanCount);
        Assert.Contains(log.Log, l => l.Contains("client certificate \"CN=intruder\" is not valid against client_ca_file: not signed by a CA in client_ca_file", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_expired_client_certificate_is_refused_and_the_log_says_why()
    {
        var log = new TestSettings("otlp");
        await using var receiver = await StartAsync(mutual: true, log: log);

        await Assert.ThrowsAsync<HttpRequestException>(() => PostAsync(receiver, _pki.Handler(_pki.ExpiredClient)));

        Assert.Equal(0, receiver.Consumer.SpanCount);
        Assert.Contains(log.Log, l => l.Contains("\"CN=old-agent\" is not valid against client_ca_file: expired or not yet valid", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_client_that_trusts_another_ca_refuses_the_receiver_certificate()
    {
        await using var receiver = await StartAsync(mutual: false);

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => PostAsync(receiver, _pki.Handler(caFile: _pki.OtherCaFile)));

        Assert.Contains("The remote certificate is invalid because of errors in the certificate chain", error.ToString(), StringComparison.Ordinal);
        Assert.Equal(0, receiver.Consumer.SpanCount);
    }

    [Fact]
    public async Task A_client_refuses_a_receiver_whose_certificate_has_expired()
    {
        await using var receiver = await StartAsync(mutual: false, certificate: _pki.ExpiredServer);

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => PostAsync(receiver, _pki.Handler()));

        Assert.Contains("NotTimeValid", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_plain_text_client_gets_no_answer_from_a_TLS_listener()
    {
        await using var receiver = await StartAsync(mutual: false);
        using var client = new HttpClient();
        var plain = new UriBuilder(receiver.TracesUrl) { Scheme = "http" }.Uri;

        await Assert.ThrowsAnyAsync<HttpRequestException>(() =>
            client.PostAsync(plain, OtlpHttpClient.Protobuf(SampleRequests.Valid(1))));

        Assert.Equal(0, receiver.Consumer.SpanCount);
    }

    [SkippableFact]
    public async Task A_TLS_1_1_client_is_refused_by_the_receiver_itself()
    {
        Requires.Present(File.Exists("/usr/bin/openssl") ? null : "Debian's openssl (which drives a TLS 1.1 handshake) is missing", "Debian images have openssl.");
        await using var receiver = await StartAsync(mutual: false);
        // openssl with security level 0 really offers TLS 1.1 (the platform's TLS clients no longer can), so the
        // refusal seen here is the server's: it answers with a protocol_version alert.
        var output = await OpenSslHandshakeAsync(receiver.TracesUrl.Port, "-tls1_1", "-cipher", "DEFAULT@SECLEVEL=0");
        Assert.Contains("alert protocol version", output, StringComparison.Ordinal);

        var modern = await OpenSslHandshakeAsync(receiver.TracesUrl.Port, "-tls1_2");
        Assert.Contains("Protocol version: TLSv1.2", modern, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Min_version_1_3_refuses_a_TLS_1_2_client()
    {
        await using var receiver = await RunningReceiver.StartAsync(config =>
        {
            config.Protocols.Grpc = null;
            var tls = _pki.ServerConfig();
            tls.MinVersion = "1.3";
            config.Protocols.Http!.Tls = tls;
        });

        var tls12 = await HandshakeAsync(receiver.TracesUrl.Port, System.Security.Authentication.SslProtocols.Tls12);
        var tls13 = await HandshakeAsync(receiver.TracesUrl.Port, System.Security.Authentication.SslProtocols.Tls13);

        Assert.NotNull(tls12);
        Assert.Null(tls13);
    }

    private static void SendWithSdk(OtlpExportProtocol protocol, RunningReceiver receiver, Func<HttpClient> factory)
    {
        var endpoint = protocol == OtlpExportProtocol.Grpc ? receiver.GrpcAddress : receiver.TracesUrl;
        DotnetSdkClient.SendNestedTrace(protocol, endpoint, factory);
    }

    private static async Task PostAsync(RunningReceiver receiver, HttpMessageHandler handler)
    {
        using var client = new HttpClient(handler);
        using var response = await client.PostAsync(receiver.TracesUrl, OtlpHttpClient.Protobuf(SampleRequests.Valid(1)));
        response.EnsureSuccessStatusCode();
    }

    /// <summary>A bare handshake at one TLS version; the exception when refused, null when it succeeded.</summary>
    private async Task<Exception?> HandshakeAsync(int port, System.Security.Authentication.SslProtocols version)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(System.Net.IPAddress.Loopback, port);
        await using var ssl = new SslStream(tcp.GetStream());
        try
        {
            using var trusting = _pki.Handler();
            var options = trusting.SslOptions;
            options.TargetHost = "localhost";
            options.EnabledSslProtocols = version;
            await ssl.AuthenticateAsClientAsync(options);
            return null;
        }
        catch (Exception e) when (e is System.Security.Authentication.AuthenticationException or IOException)
        {
            return e;
        }
    }

    private static async Task<string> OpenSslHandshakeAsync(int port, params string[] options)
    {
        var start = new ProcessStartInfo("openssl") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        foreach (var argument in new[] { "s_client", "-connect", $"127.0.0.1:{port}", "-brief" }.Concat(options)) start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(20));
        return await output + await error;
    }
}
