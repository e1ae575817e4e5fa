using Kubetrace.Storage;
using Kubetrace.Storage.Encryption;
using Kubetrace.Tests.Storage.Encryption;
using Kubetrace.Tests.Storage.Integrity;
using Kubetrace.Tests.TestSupport;
using static Kubetrace.Tests.TestSupport.Spans;

namespace Kubetrace.Tests.Cli;

/// <summary>
/// <c>kubetrace store check</c> and <c>kubetrace store reencrypt</c> on a multitenant data folder: the folder's own
/// store and every tenant's store under <c>tenants/ID</c> are checked and re-encrypted.
/// </summary>
public sealed class StoreTenantsCommandTests : IDisposable
{
    private readonly TempDirectory _folder = new();

    private string Data => Path.Combine(_folder.Path, "data");

    private string Folder(string? tenant) => tenant is null ? Data : Path.Combine(Data, "tenants", tenant);

    [Fact]
    public async Task Check_lists_every_tenants_files_and_finds_damage_in_a_tenants_block()
    {
        foreach (var tenant in new[] { null, "acme", "globex" }) await WriteStoreAsync(Folder(tenant), TestKeys.Ring("k1"));
        var block = Directory.GetFiles(Path.Combine(Folder("globex"), "blocks"), "*.ktb").Single();
        DamagedCopy.Flip(block, new FileInfo(block).Length - 20);

        var result = await CliRun.RunAsync("store", "check", Data, "--config", await ConfigAsync("k1"));

        Assert.Equal(1, result.Code);
        foreach (var tenant in new[] { "acme", "globex" })
            Assert.Contains(result.Lines, l => l.StartsWith($"tenants/{tenant}/blocks/", StringComparison.Ordinal));
        Assert.Contains(result.Lines, l => l.StartsWith("blocks/", StringComparison.Ordinal));
        var damaged = Assert.Single(result.Lines, l => l.Contains("DAMAGED", StringComparison.Ordinal));
        Assert.StartsWith(Path.GetRelativePath(Data, block), damaged, StringComparison.Ordinal);
        Assert.EndsWith(": 1 damaged", result.Lines[^1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reencrypt_moves_every_tenants_store_to_the_newest_key_so_the_old_one_can_be_dropped()
    {
        foreach (var tenant in new[] { null, "acme" }) await WriteStoreAsync(Folder(tenant), TestKeys.Ring("k1"));

        var result = await CliRun.RunAsync("store", "reencrypt", "--config", await ConfigAsync("k1", "k2"));

        Assert.True(result.Code == 0, result.Output + result.Error);
        Assert.Contains(result.Lines, l => l.StartsWith($"{Folder("acme")}: 1 blocks rewritten to key \"k2\"", StringComparison.Ordinal));
        foreach (var tenant in new[] { null, "acme" })
        {
            await using var store = EmbeddedTraceStore.Open(new StoreOptions { Directory = Folder(tenant), Keys = TestKeys.Ring("k2") });
            Assert.NotNull(await store.GetTraceAsync(Kubetrace.Storage.TraceId.FromByteString(TraceId(1)), CancellationToken.None));
        }
        var check = await CliRun.RunAsync("store", "check", Data, "--config", await ConfigAsync("k2"));
        Assert.True(check.Code == 0, check.Output);
    }

    /// <summary>A stopped store with one block sealed under <paramref name="keys"/>.</summary>
    private static async Task WriteStoreAsync(string directory, StoreKeyRing keys)
    {
        Directory.CreateDirectory(directory);
        await using var store = EmbeddedTraceStore.Open(new StoreOptions { Directory = directory, Keys = keys });
        var request = Request(Resource("apiserver", Span(1, 1, 0, "root"), Span(1, 2, 1, "child")));
        await store.AppendAsync(Kubetrace.Pipeline.TraceBatch.FromEncoded(Google.Protobuf.MessageExtensions.ToByteArray(request),
            Kubetrace.Pipeline.TraceBatch.CountSpans(request)), CancellationToken.None);
        await store.FlushHeadAsync();
    }

    private async Task<string> ConfigAsync(params string[] keys)
    {
        var path = Path.Combine(_folder.Path, $"config-{string.Join("-", keys)}.yaml");
        return await new TestServiceConfig()
            .TopLevel("multitenancy_enabled: true")
            .OtlpHttp()
            .Exporter("kubetrace", $"path: {Data}\n" + TestServiceConfig.Nested("encryption", "keys:\n" +
                string.Join("\n", keys.Select(k => $"  - id: {k}\n    key: {TestKeys.Base64(k)}"))))
            .WriteToAsync(path);
    }

    public void Dispose() => _folder.Dispose();
}
