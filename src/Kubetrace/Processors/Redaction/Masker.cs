using System.Security.Cryptography;
using System.Text;

namespace Kubetrace.Processors.Redaction;

/// <summary>What a masked match becomes: the masking string (<c>****</c> by default) or the hex digest of the match.</summary>
internal sealed class Masker(string hashFunction, string? maskingString)
{
    public const string DefaultMask = "****";

    private readonly Func<byte[], byte[]>? _hash = hashFunction.ToLowerInvariant() switch
    {
        "md5" => MD5.HashData,
        "sha1" => SHA1.HashData,
        "sha3" => SHA3_256.HashData,
        _ => null,
    };

    private readonly string _mask = maskingString ?? DefaultMask;

    public string Mask(ReadOnlySpan<char> match) =>
        _hash is null ? _mask : Convert.ToHexStringLower(_hash(Encoding.UTF8.GetBytes(match.ToString())));
}
