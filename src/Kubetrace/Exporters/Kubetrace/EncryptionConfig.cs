using Kubetrace.Components;
using Kubetrace.Storage.Encryption;

namespace Kubetrace.Exporters.Kubetrace;

/// <summary>
/// <c>encryption:</c> of the <c>kubetrace</c> exporter: encryption at rest of the store's WAL, blocks and rollup
/// sidecars (docs/storage.md). The last key listed seals new data; every listed key opens old data, so a rotation
/// appends a key, and <c>kubetrace store reencrypt</c> lets the old one be dropped.
/// </summary>
public sealed class EncryptionConfig
{
    public List<EncryptionKeyConfig> Keys { get; set; } = [];

    public IEnumerable<ConfigProblem> Validate(string at)
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < Keys.Count; i++)
        {
            var key = Keys[i];
            var path = $"{at}::keys::{i}";
            if (string.IsNullOrEmpty(key.Id)) yield return new($"{path}::id", "is required: it names the key in every file it seals");
            else if (System.Text.Encoding.UTF8.GetByteCount(key.Id) > StoreKey.MaxIdBytes)
                yield return new($"{path}::id", $"must be at most {StoreKey.MaxIdBytes} bytes");
            else if (!ids.Add(key.Id)) yield return new($"{path}::id", $"\"{key.Id}\" is listed twice");
            if (key.Material(out var problem) is null) yield return new($"{path}::{problem!.Value.Key}", problem.Value.Message);
        }
    }

    /// <summary>The keys (only valid after <see cref="Validate"/> found no problem).</summary>
    public StoreKeyRing ToKeyRing() =>
        Keys.Count == 0 ? StoreKeyRing.None : new StoreKeyRing([.. Keys.Select(k => new StoreKey(k.Id, k.Material(out _)!))]);
}

/// <summary>One key: an ID and 32 bytes, from a file (a mounted Kubernetes Secret) or, through the Collector's
/// <c>${env:NAME}</c>, an environment variable.</summary>
public sealed class EncryptionKeyConfig
{
    /// <summary>Names the key in the header of every file and WAL record it seals: never reuse an ID for other key material.</summary>
    public string Id { get; set; } = "";

    /// <summary>The key as base64 (or hex) text; meant for <c>key: ${env:KUBETRACE_STORE_KEY}</c>.</summary>
    public string? Key { get; set; }

    /// <summary>File holding the key (base64 or hex text, or 32 raw bytes).</summary>
    public string? KeyFile { get; set; }

    /// <summary>The 32 bytes, or null with the problem (never quoting the material).</summary>
    internal byte[]? Material(out ConfigProblem? problem)
    {
        problem = null;
        if (string.IsNullOrEmpty(Key) == string.IsNullOrEmpty(KeyFile))
        {
            problem = new("key", "set exactly one of key (e.g. key: ${env:KUBETRACE_STORE_KEY}) or key_file");
            return null;
        }
        byte[] raw;
        string field;
        if (!string.IsNullOrEmpty(KeyFile))
        {
            field = "key_file";
            try
            {
                raw = System.IO.File.ReadAllBytes(KeyFile);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                problem = new(field, $"cannot read \"{KeyFile}\": {e.Message}");
                return null;
            }
        }
        else
        {
            field = "key";
            raw = System.Text.Encoding.UTF8.GetBytes(Key!);
        }
        var material = StoreKey.ParseMaterial(raw, out var reason);
        if (material is null) problem = new(field, reason!);
        return material;
    }
}
