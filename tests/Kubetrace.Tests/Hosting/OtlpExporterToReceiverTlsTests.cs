using Kubetrace.Exporters.Otlp;
using Kubetrace.Tests.Receivers;

namespace Kubetrace.Tests.Hosting;

/// <summary>Kubetrace's own <c>otlp</c> and <c>otlphttp</c> exporters (a node agent) sending to a Kubetrace <c>otlp</c> receiver that requires mutual TLS.</summary>
public sealed class OtlpExporterToReceiverTlsTests : IDisposable
{
    private readonly TestPki _pki = new();

    public void Dispose() => _pki.Dispose();

    private Task<RunningReceiver> MutualTlsReceiverAsync() => RunningReceiver.StartAsync(c =>
    {
        c.Protocols.Grpc!.Tls = _pki.ServerConfig(mutual: true);
        c.Protocols.Http!.Tls = _pki.ServerConfig(mutual: true);
    });

    private async Task<TestSettings> ExportAsync(RunningReceiver receiver, ClientTlsConfig tls, int spans, bool http = false)
    {
        var settings = new TestSettings(http ? "otlphttp/agent" : "otlp/agent");
        var noRetry = new Kubetrace.Exporters.Helper.RetryConfig { Enabled = false };
        var exporter = http
            ? new OtlpHttpExporterFactory().Create(settings.Settings, new OtlpHttpExporterConfig
            {
                Endpoint = $"https://localhost:{receiver.TracesUrl.Port}", Tls = tls, RetryOnFailure = noRetry,
            })
            : new OtlpGrpcExporterFactory().Create(settings.Settings, new OtlpGrpcExporterConfig
            {
                Endpoint = $"localhost:{receiver.GrpcAddress.Port}", Tls = tls, RetryOnFailure = noRetry,
            });
        await exporter.StartAsync(default);
        await exporter.ConsumeAsync(SampleRequests.Batch(spans), default);
        await exporter.ShutdownAsync(default);
        return settings;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task The_otlp_exporter_with_ca_and_client_certificate_reaches_a_mutual_TLS_receiver(bool http)
    {
        await using var receiver = await MutualTlsReceiverAsync();

        var agent = await ExportAsync(receiver, new ClientTlsConfig { CaFile = _pki.CaFile, CertFile = _pki.Client.CertFile, KeyFile = _pki.Client.KeyFile }, 4, http);

        Assert.Equal(4, receiver.Consumer.SpanCount);
        Assert.Equal(4, agent.Counter("otelcol_exporter_sent_spans"));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task The_otlp_exporter_without_its_client_certificate_fails_and_delivers_nothing(bool http)
    {
        await using var receiver = await MutualTlsReceiverAsync();

        var agent = await ExportAsync(receiver, new ClientTlsConfig { CaFile = _pki.CaFile }, 4, http);

        Assert.Equal(0, receiver.Consumer.SpanCount);
        Assert.Equal(4, agent.Counter("otelcol_exporter_send_failed_spans"));
    }

    [Fact]
    public async Task The_otlp_exporter_trusting_another_ca_refuses_the_receiver_and_says_so()
    {
        await using var receiver = await RunningReceiver.StartAsync(c => c.Protocols.Grpc!.Tls = _pki.ServerConfig(mutual: true));

        var agent = await ExportAsync(receiver, new ClientTlsConfig { CaFile = _pki.OtherCaFile, CertFile = _pki.Client.CertFile, KeyFile = _pki.Client.KeyFile }, 4);

        Assert.Equal(0, receiver.Consumer.SpanCount);
        Assert.Contains(agent.Log, l => l.Contains("The SSL connection could not be established", StringComparison.Ordinal));
    }
}
