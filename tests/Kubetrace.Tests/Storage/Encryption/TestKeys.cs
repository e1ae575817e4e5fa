using System.Security.Cryptography;
using System.Text;
using Kubetrace.Storage.Encryption;

namespace Kubetrace.Tests.Storage.Encryption;

/// <summary>Store keys for tests: the same ID always gives the same material, unless another seed is asked for.</summary>
internal static class TestKeys
{
    public static StoreKey Key(string id, string seed = "") => new(id, SHA256.HashData(Encoding.UTF8.GetBytes($"test key {id} {seed}")));

    /// <summary>A ring of the keys, the last one writing.</summary>
    public static StoreKeyRing Ring(params string[] ids) => new([.. ids.Select(id => Key(id))]);
}
