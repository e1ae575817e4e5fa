using System.Net.Security;
using System.Net.Sockets;
using Kubetrace.Tests.Receivers;

namespace Kubetrace.Tests.Hosting;

/// <summary><c>reload_interval</c>: a rotated certificate is served without a restart, and a broken rotation is survived.</summary>
public sealed class CertificateReloadTests : IDisposable
{
    private readonly TestPki _pki = new();

    public void Dispose() => _pki.Dispose();

    [Fact]
    public async Task A_certificate_rotated_on_disk_is_presented_after_the_reload_interval_and_a_broken_one_is_not()
    {
        var tls = _pki.ServerConfig();
        tls.ReloadInterval = TimeSpan.FromMilliseconds(200);
        var log = new TestSettings("otlp");
        await using var receiver = await RunningReceiver.StartAsync(c =>
        {
            c.Protocols.Grpc = null;
            c.Protocols.Http!.Tls = tls;
        }, log.Settings.LoggerFactory);
        var port = receiver.TracesUrl.Port;
        Assert.Equal("CN=kubetrace-server", await PresentedSubjectAsync(port));

        var rotated = _pki.IssueServer("rotated", "CN=kubetrace-server-rotated");
        File.Copy(rotated.CertFile, tls.CertFile, overwrite: true);
        File.Copy(rotated.KeyFile, tls.KeyFile, overwrite: true);
        var subject = "";
        await Wait.UntilAsync(async () => (subject = await PresentedSubjectAsync(port)) == "CN=kubetrace-server-rotated",
            () => $"the rotated certificate is presented (presented: {subject})");

        // The broken pair is read at the first handshake past the reload interval (its failure logged; the copy above
        // may have been read half done too, so a new line is awaited), and that handshake and later ones present the
        // rotated certificate still.
        int Kept() => log.Log.Count(l => l.Contains("Keeping the previous TLS certificate: cannot load the TLS certificate", StringComparison.Ordinal));
        var keptBefore = Kept();
        await File.WriteAllTextAsync(tls.KeyFile, "half written");
        var presented = "";
        await Wait.UntilAsync(async () => { presented = await PresentedSubjectAsync(port); return Kept() > keptBefore; },
            "a handshake's reload read the half-written key and kept the previous certificate");
        Assert.Equal("CN=kubetrace-server-rotated", presented);
        Assert.Equal("CN=kubetrace-server-rotated", await PresentedSubjectAsync(port));
    }

    private async Task<string> PresentedSubjectAsync(int port)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(System.Net.IPAddress.Loopback, port);
        await using var ssl = new SslStream(tcp.GetStream());
        using var trusting = _pki.Handler();
        var options = trusting.SslOptions;
        options.TargetHost = "localhost";
        await ssl.AuthenticateAsClientAsync(options);
        return ssl.RemoteCertificate!.Subject;
    }
}
