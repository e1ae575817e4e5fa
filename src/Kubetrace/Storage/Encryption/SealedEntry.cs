namespace Kubetrace.Storage.Encryption;

/// <summary>
/// A small file sealed whole with a store key (a <c>file_storage</c> entry: a persistent queue's batch or index):
/// <c>KTSE | key reference | nonce | tag | ciphertext</c>, the entry's name as associated data, so that entries
/// cannot be swapped unnoticed. Files without the magic are plaintext entries written before encryption was
/// turned on, and are read as they are.
/// </summary>
public static class SealedEntry
{
    private static readonly byte[] Magic = "KTSE"u8.ToArray();

    public static bool IsSealed(ReadOnlySpan<byte> file) => file.StartsWith(Magic);

    public static byte[] Seal(StoreKey key, ReadOnlySpan<byte> plain, string name)
    {
        var reference = StoreKeyRing.ReferenceSize(key);
        var file = new byte[Magic.Length + reference + StoreKey.Overhead + plain.Length];
        Magic.CopyTo(file, 0);
        StoreKeyRing.WriteReference(key, file.AsSpan(Magic.Length));
        key.Seal(plain, file.AsSpan(Magic.Length + reference), System.Text.Encoding.UTF8.GetBytes(name));
        return file;
    }

    /// <param name="what">The file, for errors.</param>
    /// <exception cref="InvalidDataException">The entry was changed or cut short.</exception>
    /// <exception cref="StoreKeyException">Its key is not listed, or a wrong key is listed under its ID.</exception>
    public static byte[] Open(ReadOnlySpan<byte> file, StoreKeyRing keys, string name, string what)
    {
        var key = keys.Resolve(file[Magic.Length..], what, out var reference);
        var sealedUnit = file[(Magic.Length + reference)..];
        if (sealedUnit.Length < StoreKey.Overhead) throw new InvalidDataException($"{what}: sealed entry too short");
        var plain = new byte[sealedUnit.Length - StoreKey.Overhead];
        key.Open(sealedUnit[..StoreKey.Overhead], sealedUnit[StoreKey.Overhead..], plain, System.Text.Encoding.UTF8.GetBytes(name));
        return plain;
    }
}
