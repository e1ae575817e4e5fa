using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Google.Protobuf;
using Kubetrace.Components;
using Kubetrace.Config;
using Kubetrace.Extensions.FileStorage;
using Kubetrace.Service;
using Kubetrace.Storage.Encryption;
using Kubetrace.Tests.Storage;
using Kubetrace.Tests.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;

namespace Kubetrace.Tests.Extensions.FileStorage;

/// <summary>
/// Encryption at rest of the persistent sending queue: with <c>file_storage::encryption::keys</c>, the batches an
/// exporter queued while its backend was down hold no span name, attribute key or value in plaintext; a queue
/// written under a key is read back only with that key listed.
/// </summary>
public sealed class QueueEncryptionTests
{
    private static readonly string[] Secrets = ["secret-service-q9z", "secret-operation-q9z", "secret.key.q9z", "secret-value-q9z"];

    private const string KeyText = "q83vEjRWeJASNFZ4kBI0VniQEjRWeJASNFZ4kBI0Vng="; // 32 bytes, base64

    [Fact]
    public async Task Queued_batches_hold_no_span_name_attribute_key_or_value_in_plaintext()
    {
        using var folder = new TempDirectory();
        await QueueWhileTheBackendIsDownAsync(folder.Path, encrypted: true);

        Assert.NotEmpty(QueueFiles(folder.Path));
        Assert.Empty(PlaintextFound(folder.Path));
    }

    [Fact]
    public async Task Without_keys_the_same_queue_holds_them_in_plaintext()
    {
        using var folder = new TempDirectory();
        await QueueWhileTheBackendIsDownAsync(folder.Path, encrypted: false);

        Assert.Equal(Secrets.Order(), PlaintextFound(folder.Path).Select(f => f[(f.IndexOf(": ", StringComparison.Ordinal) + 2)..]).Distinct().Order());
    }

    [Fact]
    public void An_entry_reads_back_with_its_key_listed_and_is_refused_naming_the_key_without_it()
    {
        using var folder = new TempDirectory();
        var sealing = Client(folder.Path, TestKeysRing("old", "new"));
        sealing.Set("00000000000000000001-2", Encoding.UTF8.GetBytes("secret-value-q9z"));

        Assert.Equal("secret-value-q9z", Encoding.UTF8.GetString(Client(folder.Path, TestKeysRing("new")).Get("00000000000000000001-2")!));
        var missing = Assert.Throws<StoreKeyException>(() => Client(folder.Path, StoreKeyRing.None).Get("00000000000000000001-2"));
        Assert.Contains("key \"new\"", missing.Message, StringComparison.Ordinal);
        // Moved to another entry's name, the sealed bytes do not open.
        var files = Directory.GetFiles(folder.Path);
        File.Copy(files[0], Path.Combine(folder.Path, "00000000000000000002-2"));
        Assert.Throws<InvalidDataException>(() => Client(folder.Path, TestKeysRing("new")).Get("00000000000000000002-2"));
    }

    private static StoreKeyRing TestKeysRing(params string[] ids) => Kubetrace.Tests.Storage.Encryption.TestKeys.Ring(ids);

    private static FileStorageClient Client(string folder, StoreKeyRing keys) => new(folder, fsync: false, NullLogger.Instance, keys);

    /// <summary>A service whose otlp exporter sends to a port nobody listens on, through a file_storage queue.</summary>
    private static async Task QueueWhileTheBackendIsDownAsync(string folder, bool encrypted)
    {
        var queue = Path.Combine(folder, "queue");
        using var nobody = FreePorts.Closed();
        var (service, ports) = await ServiceTestHost.StartOnFreshAsync(1, ports => new TestServiceConfig(ports[0])
            .Exporter("otlp", $"""
                endpoint: 127.0.0.1:{nobody.Port}
                tls:
                  insecure: true
                sending_queue:
                  enabled: true
                  storage: file_storage
                """)
            .Extension("file_storage", $"""
                directory: {queue}
                create_directory: true
                {(encrypted ? $"encryption:\n  keys:\n    - id: queue-1\n      key: {KeyText}" : "")}
                """).Yaml,
            logs: TestSettings.Capturing(new()));
        try
        {
            using var http = new HttpClient();
            var request = Spans.Request(Spans.Resource("secret-service-q9z",
                Spans.Span(0x5101, 1, 0, "secret-operation-q9z", 0, 10, ("secret.key.q9z", "secret-value-q9z"))));
            using var content = new ByteArrayContent(request.ToByteArray());
            content.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");
            using var response = await http.PostAsync($"http://127.0.0.1:{ports[0]}/v1/traces", content);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.NotEmpty(QueueFiles(folder));
        }
        finally
        {
            await service.ShutdownAsync();
        }
    }

    private static string[] QueueFiles(string folder) => Directory.GetFiles(folder, "*", SearchOption.AllDirectories).Where(f => new FileInfo(f).Length > 0).ToArray();

    private static List<string> PlaintextFound(string folder)
    {
        var found = new List<string>();
        foreach (var file in QueueFiles(folder))
        {
            var bytes = File.ReadAllBytes(file);
            foreach (var secret in Secrets)
                if (bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(secret)) >= 0) found.Add($"{Path.GetFileName(file)}: {secret}");
        }
        return found;
    }
}
