using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Kubetrace.Exporters.Helper;
using Kubetrace.Exporters.Otlp;

namespace Kubetrace.Tests.Exporters;

/// <summary>Both OTLP exporters reach a TLS server whose certificate is trusted only through <c>tls.ca_file</c>.</summary>
public sealed class ExporterTlsTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("kubetrace-tls-").FullName;
    private readonly X509Certificate2 _certificate;
    private readonly string _caFile;

    public ExporterTlsTests()
    {
        // A self-signed certificate for 127.0.0.1 acts as its own private CA.
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=kubetrace-test", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(System.Net.IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        _certificate = X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pfx), null);
        _caFile = Path.Combine(_directory, "ca.pem");
        System.IO.File.WriteAllText(_caFile, created.ExportCertificatePem());
    }

    public void Dispose()
    {
        _certificate.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    private static RetryConfig NoRetry => new() { Enabled = false };

    [Fact]
    public async Task Otlp_over_TLS_trusts_the_ca_file()
    {
        await using var server = await TestOtlpServer.StartAsync(_certificate);
        var config = new OtlpGrpcExporterConfig
        {
            Endpoint = server.GrpcEndpoint.Replace("127.0.0.1", "https://127.0.0.1"),
            Tls = new ClientTlsConfig { CaFile = _caFile }, RetryOnFailure = NoRetry,
        };
        var test = new TestSettings("otlp");
        var exporter = new OtlpGrpcExporterFactory().Create(test.Settings, config);
        await exporter.StartAsync(default);

        await exporter.ConsumeAsync(SampleRequests.Batch(2), default);
        await exporter.ShutdownAsync(default);

        Assert.Single(server.Accepted);
        Assert.Equal(2, test.Counter("otelcol_exporter_sent_spans"));
    }

    [Fact]
    public async Task Otlphttp_over_TLS_trusts_the_ca_file_and_refuses_an_unknown_certificate_without_it()
    {
        await using var server = await TestOtlpServer.StartAsync(_certificate);
        var trusted = new TestSettings("otlphttp/trusted");
        var untrusted = new TestSettings("otlphttp/untrusted");
        var withCa = new OtlpHttpExporterFactory().Create(trusted.Settings, new OtlpHttpExporterConfig
        {
            Endpoint = server.HttpBaseUrl, Tls = new ClientTlsConfig { CaFile = _caFile }, RetryOnFailure = NoRetry,
        });
        var withoutCa = new OtlpHttpExporterFactory().Create(untrusted.Settings, new OtlpHttpExporterConfig
        {
            Endpoint = server.HttpBaseUrl, RetryOnFailure = NoRetry,
        });

        foreach (var exporter in new[] { withCa, withoutCa })
        {
            await exporter.StartAsync(default);
            await exporter.ConsumeAsync(SampleRequests.Batch(1), default);
            await exporter.ShutdownAsync(default);
        }

        Assert.Single(server.Accepted);
        Assert.Equal(1, trusted.Counter("otelcol_exporter_sent_spans"));
        Assert.Equal(1, untrusted.Counter("otelcol_exporter_send_failed_spans"));
        Assert.Contains(untrusted.Log, l => l.Contains("SSL", StringComparison.OrdinalIgnoreCase));
    }
}
