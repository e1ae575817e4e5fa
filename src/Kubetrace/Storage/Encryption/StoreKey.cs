using System.Security.Cryptography;

namespace Kubetrace.Storage.Encryption;

/// <summary>
/// One AES-256 key of the store, with the ID that every file or record it sealed names in its header. Seals whole
/// records, row groups, footers and rollup payloads (AES-256-GCM, <see cref="AesGcm"/>) as
/// <c>nonce (12) | tag (16) | ciphertext</c>, in place where the caller allows, with one <see cref="AesGcm"/> per
/// thread: an instance holds a cipher context and is not safe to share, and making one per call would allocate.
/// </summary>
/// <remarks>
/// Nonces are random (96 bits): NIST SP 800-38D bounds such use to 2^32 sealed units per key. A unit is a WAL
/// record (a batch of spans), a row group (~1024 spans), a footer or a rollup payload, so at 10M spans/hour a key
/// seals ~50k units an hour and lasts decades; rotating keys (docs/security.md) resets the count anyway.
/// </remarks>
public sealed class StoreKey
{
    public const int KeySize = 32, NonceSize = 12, TagSize = 16;

    /// <summary>Bytes a sealed unit adds to its plaintext.</summary>
    public const int Overhead = NonceSize + TagSize;

    /// <summary>Longest key ID: it is written (UTF-8, length byte first) into every record and file header.</summary>
    public const int MaxIdBytes = 64;

    private readonly ThreadLocal<AesGcm> _cipher;

    public StoreKey(string id, byte[] material)
    {
        if (id.Length == 0 || System.Text.Encoding.UTF8.GetByteCount(id) > MaxIdBytes)
            throw new ArgumentException($"a key ID must be 1 to {MaxIdBytes} bytes of UTF-8 (got \"{id}\")", nameof(id));
        if (material.Length != KeySize) throw new ArgumentException($"key \"{id}\" must be {KeySize} bytes (got {material.Length})", nameof(material));
        Id = id;
        IdBytes = System.Text.Encoding.UTF8.GetBytes(id);
        Fingerprint = FingerprintOf(material);
        var copy = (byte[])material.Clone();
        _cipher = new ThreadLocal<AesGcm>(() => new AesGcm(copy, TagSize));
    }

    public string Id { get; }

    /// <summary>The ID as written into headers.</summary>
    public byte[] IdBytes { get; }

    /// <summary>Tells this key from another listed under the same ID (a wrong key file) before any decryption is
    /// tried, so a wrong key is reported as such instead of as damaged data. An HMAC of a fixed label: it reveals
    /// nothing of the key.</summary>
    public ulong Fingerprint { get; }

    /// <summary>Seals <paramref name="plaintext"/> into <paramref name="sealedUnit"/> (its length plus <see cref="Overhead"/>).
    /// The plaintext may be the sealed unit's own ciphertext part (<c>sealedUnit[Overhead..]</c>): sealing in place.</summary>
    public void Seal(ReadOnlySpan<byte> plaintext, Span<byte> sealedUnit, ReadOnlySpan<byte> context)
    {
        var nonce = sealedUnit[..NonceSize];
        RandomNumberGenerator.Fill(nonce);
        _cipher.Value!.Encrypt(nonce, plaintext, sealedUnit.Slice(Overhead, plaintext.Length), sealedUnit.Slice(NonceSize, TagSize), context);
    }

    /// <summary>Opens a unit sealed by <see cref="Seal"/>: <paramref name="nonceAndTag"/> is its first
    /// <see cref="Overhead"/> bytes, <paramref name="ciphertext"/> the rest; decrypts into <paramref name="plaintext"/>
    /// (which may be <paramref name="ciphertext"/> itself).</summary>
    /// <exception cref="InvalidDataException">The unit was changed (the tag does not match): damage, as a checksum mismatch is.</exception>
    public void Open(ReadOnlySpan<byte> nonceAndTag, ReadOnlySpan<byte> ciphertext, Span<byte> plaintext, ReadOnlySpan<byte> context)
    {
        try
        {
            _cipher.Value!.Decrypt(nonceAndTag[..NonceSize], ciphertext, nonceAndTag.Slice(NonceSize, TagSize), plaintext[..ciphertext.Length], context);
        }
        catch (AuthenticationTagMismatchException)
        {
            throw new InvalidDataException($"decryption with key \"{Id}\" failed: the data was changed after it was written");
        }
    }

    /// <summary>Reads key material as a file or variable holds it: base64 or hex text of 32 bytes (as
    /// <c>openssl rand -base64 32</c> prints), or the 32 raw bytes themselves (a file only).</summary>
    /// <returns>Null, with the reason, when it is neither; the reason never repeats the material.</returns>
    public static byte[]? ParseMaterial(ReadOnlySpan<byte> raw, out string? problem)
    {
        problem = null;
        var text = System.Text.Encoding.ASCII.GetString(raw).Trim();
        if (text.Length == KeySize * 2 && text.All(Uri.IsHexDigit)) return Convert.FromHexString(text);
        var decoded = new byte[KeySize + 3];
        if (Convert.TryFromBase64String(text, decoded, out var written) && written == KeySize) return decoded[..KeySize];
        if (raw.Length == KeySize) return raw.ToArray();
        problem = $"must hold {KeySize} bytes as base64 (openssl rand -base64 {KeySize}) or hex, or {KeySize} raw bytes " +
                  $"(found {raw.Length} bytes that are neither)";
        return null;
    }

    private static ulong FingerprintOf(byte[] material)
    {
        Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(material, "kubetrace store key check"u8, mac);
        return BitConverter.ToUInt64(mac);
    }
}
