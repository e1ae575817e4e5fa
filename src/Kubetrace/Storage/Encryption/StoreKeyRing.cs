using System.Buffers.Binary;

namespace Kubetrace.Storage.Encryption;

/// <summary>
/// The keys a store may read with, and the one it writes with (the last listed: the newest). Every sealed file or
/// WAL record starts with a key reference, <c>id length u8 | id (UTF-8) | fingerprint u64</c>, so data written under
/// older keys stays readable while those keys are listed (rotation), and <c>kubetrace store reencrypt</c> moves it
/// to the newest.
/// </summary>
public sealed class StoreKeyRing
{
    private readonly Dictionary<string, StoreKey> _byId;

    public StoreKeyRing(IReadOnlyList<StoreKey> keys)
    {
        Keys = keys;
        _byId = new Dictionary<string, StoreKey>(StringComparer.Ordinal);
        foreach (var key in keys)
            if (!_byId.TryAdd(key.Id, key)) throw new ArgumentException($"key ID \"{key.Id}\" is listed twice", nameof(keys));
        Active = keys.Count == 0 ? null : keys[^1];
    }

    /// <summary>No keys: the store writes plaintext (and refuses sealed data, naming its key).</summary>
    public static StoreKeyRing None { get; } = new([]);

    public IReadOnlyList<StoreKey> Keys { get; }

    /// <summary>The key new data is sealed with; null: encryption is off.</summary>
    public StoreKey? Active { get; }

    /// <summary>Bytes of the reference to <paramref name="key"/> in a header.</summary>
    public static int ReferenceSize(StoreKey key) => 1 + key.IdBytes.Length + 8;

    public static int WriteReference(StoreKey key, Span<byte> destination)
    {
        destination[0] = (byte)key.IdBytes.Length;
        key.IdBytes.CopyTo(destination[1..]);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[(1 + key.IdBytes.Length)..], key.Fingerprint);
        return ReferenceSize(key);
    }

    /// <summary>The key a header refers to.</summary>
    /// <param name="what">The file (or record) being read, for the error.</param>
    /// <param name="consumed">Bytes of the reference.</param>
    /// <exception cref="InvalidDataException">The reference is cut short (damage).</exception>
    /// <exception cref="StoreKeyException">The key is not listed, or a different key is listed under its ID.</exception>
    public StoreKey Resolve(ReadOnlySpan<byte> header, string what, out int consumed)
    {
        if (header.Length < 1 || header[0] is 0 or > StoreKey.MaxIdBytes || header.Length < 1 + header[0] + 8)
            throw new InvalidDataException("damaged key reference");
        var id = System.Text.Encoding.UTF8.GetString(header.Slice(1, header[0]));
        var fingerprint = BinaryPrimitives.ReadUInt64LittleEndian(header[(1 + header[0])..]);
        consumed = 1 + header[0] + 8;
        if (!_byId.TryGetValue(id, out var key))
            throw new StoreKeyException(id, Keys.Count == 0
                ? $"{what} is encrypted with key \"{id}\", and the store has no encryption keys configured (encryption::keys)"
                : $"{what} is encrypted with key \"{id}\", which is not listed in encryption::keys (listed: {string.Join(", ", Keys.Select(k => $"\"{k.Id}\""))})");
        if (key.Fingerprint != fingerprint)
            throw new StoreKeyException(id,
                $"{what} is encrypted with key \"{id}\", but the key listed under that ID is a different key (wrong key file or variable?)");
        return key;
    }
}

/// <summary>Sealed data whose key is missing or wrong: the store refuses to open instead of treating the data as
/// damaged (it would set it aside) or serving garbage. Not an <see cref="InvalidDataException"/> on purpose.</summary>
public sealed class StoreKeyException(string keyId, string message) : Exception(message)
{
    public string KeyId { get; } = keyId;
}
