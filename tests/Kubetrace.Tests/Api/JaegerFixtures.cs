using System.Text.Json.Nodes;
using Kubetrace.Tests.EndToEnd.Harness;

namespace Kubetrace.Tests.Api;

/// <summary>
/// Jaeger's storage-integration fixtures (../shared/conformance/jaeger/storage-integration): 32 OTLP JSON traces
/// loaded once through OTLP into one server, shared by the tests that query them.
/// </summary>
public class JaegerFixtures : IAsyncLifetime
{
    public static string? Folder => RepoPaths.Shared is { } shared
        ? Path.Combine(shared, "conformance", "jaeger", "storage-integration") : null;

    public QueryServer Server { get; private set; } = null!;

    protected virtual StoreBackend Backend => StoreBackend.Embedded;

    /// <summary>Fixture name (file name without .json) → its OTLP JSON.</summary>
    public Dictionary<string, JsonNode> Traces { get; } = new(StringComparer.Ordinal);

    public async Task InitializeAsync()
    {
        Server = await QueryServer.StartAsync(backend: Backend);
        if (Folder is null) return; // the tests that need it are skipped by RequiresSharedFolderFact
        foreach (var file in Directory.GetFiles(Path.Combine(Folder, "traces"), "*.json").Order(StringComparer.Ordinal))
        {
            var json = await File.ReadAllTextAsync(file);
            Traces[Path.GetFileNameWithoutExtension(file)] = JsonNode.Parse(json)!;
            await Server.PostOtlpJsonAsync(json, Path.GetFileName(file));
        }
    }

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

/// <summary>The same fixtures in a database of their own on the tests' ClickHouse server.</summary>
public sealed class ClickHouseJaegerFixtures : JaegerFixtures
{
    protected override StoreBackend Backend => StoreBackend.ClickHouse;
}
