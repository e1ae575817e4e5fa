using Kubetrace.Components;

namespace Kubetrace.Extensions.Auth.BearerToken;

/// <summary>The Collector's <c>bearertokenauth</c> extension: one shared secret (or a few) in the Authorization header.</summary>
public sealed class BearerTokenAuthConfig : IValidatableConfig
{
    /// <summary>Header that carries the token.</summary>
    public string Header { get; set; } = "Authorization";

    /// <summary>Word before the token in the header; empty: the header is the token alone.</summary>
    public string Scheme { get; set; } = "Bearer";

    public string? Token { get; set; }

    /// <summary>Several accepted tokens (during a rotation, old and new).</summary>
    public List<string> Tokens { get; set; } = [];

    /// <summary>File holding the token (one per line), read again when it changes: a mounted Kubernetes Secret.</summary>
    public string? Filename { get; set; }

    public IEnumerable<ConfigProblem> Validate()
    {
        var sources = (string.IsNullOrEmpty(Token) ? 0 : 1) + (Tokens.Count == 0 ? 0 : 1) + (string.IsNullOrEmpty(Filename) ? 0 : 1);
        if (sources != 1) yield return new("", "set exactly one of token, tokens or filename");
        if (!string.IsNullOrEmpty(Filename) && !File.Exists(Filename)) yield return new("filename", $"file \"{Filename}\" does not exist");
        if (Tokens.Any(string.IsNullOrWhiteSpace)) yield return new("tokens", "must not contain an empty token");
        if (Header.Length == 0) yield return new("header", "must not be empty");
    }
}
