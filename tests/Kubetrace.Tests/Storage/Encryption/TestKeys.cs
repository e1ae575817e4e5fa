using System.Security.Cryptography;
using System.Text;
using Kubetrace.Storage.Encryption;

namespace Kubetrace.Tests.Storage.Encryption;

/// <summary>Store keys for tests: the same ID always gives the same material, unless another seed is asked for.</summary>
internal static class TestKeys
{
    public static StoreKey Key(string id, string seed = "") => new(id, Material(id, seed));

    /// <summary>The key's 32 bytes as base64, as a configuration's <c>encryption: keys: - key:</c> takes them.</summary>
    public static string Base64(string id, string seed = "") => Convert.ToBase64String(Material(id, seed));

    private static byte[] Material(string id, string seed) => SHA256.HashData(Encoding.UTF8.GetBytes($"test key {id} {seed}"));

    /// <summary>A ring of the keys, the last one writing.</summary>
    public static StoreKeyRing Ring(params string[] ids) => new([.. ids.Select(id => Key(id))]);
}

/// <summary>Stores for tests that hold for plaintext and encrypted stores alike.</summary>
internal static class Stores
{
    public static TempStore New(bool encrypted) =>
        new(dir => new Kubetrace.Storage.StoreOptions { Directory = dir, Keys = encrypted ? TestKeys.Ring("k1") : StoreKeyRing.None });
}
