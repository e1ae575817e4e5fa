using Kubetrace.Components;

namespace Kubetrace.Extensions.Auth.Basic;

/// <summary>The Collector's <c>basicauth</c> extension (server side): users from an htpasswd file or inline text.</summary>
public sealed class BasicAuthConfig : IValidatableConfig
{
    public HtpasswdConfig Htpasswd { get; set; } = new();

    public IEnumerable<ConfigProblem> Validate()
    {
        if (string.IsNullOrEmpty(Htpasswd.File) && string.IsNullOrEmpty(Htpasswd.Inline))
            yield return new("htpasswd", "set htpasswd.file or htpasswd.inline");
        if (!string.IsNullOrEmpty(Htpasswd.File) && !System.IO.File.Exists(Htpasswd.File))
            yield return new("htpasswd.file", $"file \"{Htpasswd.File}\" does not exist");
        if (!string.IsNullOrEmpty(Htpasswd.Inline) && !HtpasswdFile.TryParse(Htpasswd.Inline, out _, out var error))
            yield return new("htpasswd.inline", error);
    }
}

public sealed class HtpasswdConfig
{
    /// <summary>An htpasswd file (bcrypt or {SHA} entries), read again when it changes.</summary>
    public string? File { get; set; }

    /// <summary>htpasswd lines in the config itself; added to those of <see cref="File"/>.</summary>
    public string? Inline { get; set; }
}
