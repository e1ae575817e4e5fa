using System.Text;

namespace Kubetrace.Api.Ui;

/// <summary>
/// Refuses UI request paths that try to step out of the UI, in any encoding: <c>..</c> or <c>.</c> segments
/// plain or percent-encoded, even several times over (<c>%2e%2e</c>, <c>%252e%252e</c>), backslashes, NUL and
/// other control bytes, invalid or overlong UTF-8 (<c>%c0%ae</c>, an old way to write <c>.</c>), and empty
/// segments (<c>//etc/passwd</c>). The UI's files are served from memory by exact name, so nothing outside them
/// could be read anyway; the refusal makes such a request a clear 400 instead of the page shell.
/// </summary>
internal static class UiPathGuard
{
    /// <summary>Percent-decoding rounds looked through: a path still encoded after that is refused.</summary>
    private const int MaxDecodings = 3;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Why the path part of <paramref name="rawTarget"/> (as received, before any decoding) is refused; null: it is fine.</summary>
    public static string? Problem(string rawTarget)
    {
        var query = rawTarget.IndexOf('?', StringComparison.Ordinal);
        var path = query < 0 ? rawTarget : rawTarget[..query];
        if (!path.StartsWith('/')) return "the path must start with /";
        for (var round = 0; ; round++)
        {
            var bytes = Decode(path);
            foreach (var b in bytes)
                if (b < 0x20 || b == 0x7F || b == '\\') return "control characters and backslashes are not allowed";
            string decoded;
            try
            {
                decoded = StrictUtf8.GetString(bytes);
            }
            catch (DecoderFallbackException)
            {
                return "the path is not valid UTF-8 (overlong or broken sequences are refused)";
            }
            var segments = decoded[1..].Split('/');
            for (var i = 0; i < segments.Length; i++)
            {
                if (segments[i] is "." or "..") return "dot segments are not allowed";
                if (segments[i].Length == 0 && i < segments.Length - 1) return "empty path segments are not allowed";
            }
            if (decoded == path) return null;
            if (round == MaxDecodings) return "the path is percent-encoded too many times";
            path = decoded;
        }
    }

    /// <summary>Whether <paramref name="file"/> (below <c>/ui/assets/</c>) can name an embedded asset: letters, digits,
    /// <c>-_.</c> and <c>/</c> between non-empty segments. Anything else is not one of the UI's files.</summary>
    public static bool IsAssetName(string file)
    {
        if (file.Length == 0) return false;
        foreach (var c in file)
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '/')) return false;
        return Problem("/" + file) is null;
    }

    private static byte[] Decode(string path)
    {
        var output = new List<byte>(path.Length);
        var raw = Encoding.UTF8.GetBytes(path);
        for (var i = 0; i < raw.Length; i++)
        {
            if (raw[i] == '%' && i + 2 < raw.Length && Uri.IsHexDigit((char)raw[i + 1]) && Uri.IsHexDigit((char)raw[i + 2]))
            {
                output.Add(Convert.ToByte(Encoding.ASCII.GetString(raw, i + 1, 2), 16));
                i += 2;
            }
            else output.Add(raw[i]);
        }
        return [.. output];
    }
}
