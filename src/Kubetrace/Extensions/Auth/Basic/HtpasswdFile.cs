using System.Security.Cryptography;
using System.Text;

namespace Kubetrace.Extensions.Auth.Basic;

/// <summary>
/// The users of an htpasswd file: <c>name:hash</c> per line, with bcrypt (<c>$2y$</c>, <c>htpasswd -B</c>) or
/// <c>{SHA}</c> (<c>htpasswd -s</c>) hashes. Apache's MD5 (<c>$apr1$</c>), crypt and plain text are refused with the
/// line number: they are weak, and accepting them silently would pretend to a protection they do not give.
/// </summary>
internal sealed class HtpasswdFile
{
    private readonly Dictionary<string, string> _hashes;

    private HtpasswdFile(Dictionary<string, string> hashes) => _hashes = hashes;

    public int Count => _hashes.Count;

    public static bool TryParse(string text, out HtpasswdFile file, out string error)
    {
        var hashes = new Dictionary<string, string>(StringComparer.Ordinal);
        file = new HtpasswdFile(hashes);
        error = "";
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            var colon = line.IndexOf(':');
            if (colon <= 0)
            {
                error = $"line {i + 1}: expected name:hash";
                return false;
            }
            var hash = line[(colon + 1)..];
            if (!IsBcrypt(hash) && !hash.StartsWith("{SHA}", StringComparison.Ordinal))
            {
                error = $"line {i + 1}: user \"{line[..colon]}\" has an unsupported hash (use bcrypt, htpasswd -B, or {{SHA}}, htpasswd -s)";
                return false;
            }
            hashes[line[..colon]] = hash;
        }
        return true;
    }

    public static HtpasswdFile Parse(string text) => TryParse(text, out var file, out var error) ? file : throw new InvalidDataException(error);

    public HtpasswdFile Merge(HtpasswdFile other)
    {
        var merged = new Dictionary<string, string>(_hashes, StringComparer.Ordinal);
        foreach (var (name, hash) in other._hashes) merged[name] = hash;
        return new HtpasswdFile(merged);
    }

    /// <summary>The stored hash of <paramref name="user"/>, or null when there is no such user.</summary>
    public string? HashOf(string user) => _hashes.GetValueOrDefault(user);

    public static bool Verify(string password, string hash)
    {
        if (IsBcrypt(hash)) return BCrypt.Net.BCrypt.Verify(password, hash);
        var expected = Encoding.ASCII.GetBytes(hash["{SHA}".Length..]);
        var actual = Encoding.ASCII.GetBytes(Convert.ToBase64String(SHA1.HashData(Encoding.UTF8.GetBytes(password))));
        return CryptographicOperations.FixedTimeEquals(expected, actual);
    }

    private static bool IsBcrypt(string hash) => hash.StartsWith("$2y$", StringComparison.Ordinal) || hash.StartsWith("$2a$", StringComparison.Ordinal)
        || hash.StartsWith("$2b$", StringComparison.Ordinal);
}
