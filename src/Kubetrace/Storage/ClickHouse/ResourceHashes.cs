using System.Buffers.Binary;

namespace Kubetrace.Storage.ClickHouse;

/// <summary>
/// A resource's name in the resources table (schema version 6): the res_hash column, 16 bytes as
/// <see cref="ResourceColumns"/> wrote them, held as a number (little-endian) to be a dictionary key.
/// </summary>
internal static class ResourceHashes
{
    public static UInt128 Read(ref RowBinaryReader reader) => BinaryPrimitives.ReadUInt128LittleEndian(reader.Fixed(16));

    /// <summary>The hashes as SQL literals of their bytes, for <c>res_hash IN (...)</c>.</summary>
    public static string List(IEnumerable<UInt128> hashes) => string.Join(",", hashes.Select(hash =>
    {
        Span<byte> bytes = stackalloc byte[16];
        BinaryPrimitives.WriteUInt128LittleEndian(bytes, hash);
        return $"unhex('{Convert.ToHexString(bytes)}')";
    }));
}
