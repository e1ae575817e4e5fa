using System.Security.Cryptography;
using System.Text;

namespace Kubetrace.Processors.Redaction;

/// <summary>What a masked match becomes: the masking string (<c>****</c> by default) or the hex digest of the match
/// (for hmac-sha256 / hmac-sha512, keyed with the UTF-8 bytes of hmac_key, as the Collector's maskValue).</summary>
internal sealed class Masker(string hashFunction, string hmacKey, string? maskingString)
{
    public const string DefaultMask = "****";

    private readonly Func<byte[], byte[]>? _hash = hashFunction.ToLowerInvariant() switch
    {
        "md5" => MD5.HashData,
        "sha1" => SHA1.HashData,
        "sha3" => SHA3_256.HashData,
        "hmac-sha256" => data => HMACSHA256.HashData(Encoding.UTF8.GetBytes(hmacKey), data),
        "hmac-sha512" => data => HMACSHA512.HashData(Encoding.UTF8.GetBytes(hmacKey), data),
        _ => null,
    };

    private readonly string _mask = maskingString ?? DefaultMask;

    public string Mask(ReadOnlySpan<char> match) =>
        _hash is null ? _mask : Convert.ToHexStringLower(_hash(Encoding.UTF8.GetBytes(match.ToString())));
}
