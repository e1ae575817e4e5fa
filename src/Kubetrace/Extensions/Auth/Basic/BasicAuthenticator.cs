using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Kubetrace.Components;
using Microsoft.AspNetCore.Http;

namespace Kubetrace.Extensions.Auth.Basic;

/// <summary>
/// HTTP Basic credentials checked against htpasswd users; the principal is the user name. A bcrypt check costs tens
/// of milliseconds, too much per export call, so credentials already verified against the current file are
/// remembered by their SHA-256 (never in clear); a change of the file forgets them.
/// </summary>
public sealed class BasicAuthenticator : IServerAuthenticator, IExtension
{
    private const int MaxRemembered = 1024;
    private readonly HtpasswdFile _inline;
    private readonly WatchedFile<HtpasswdFile>? _file;
    private readonly ConcurrentDictionary<string, string> _verified = new();
    private HtpasswdFile? _verifiedAgainst;

    public BasicAuthenticator(ComponentSettings settings, BasicAuthConfig config)
    {
        _inline = HtpasswdFile.Parse(config.Htpasswd.Inline ?? "");
        if (!string.IsNullOrEmpty(config.Htpasswd.File))
            _file = new WatchedFile<HtpasswdFile>(config.Htpasswd.File, text => HtpasswdFile.Parse(text).Merge(_inline), settings.CreateLogger(), settings.Clock);
        settings.Directory.Publish(ComponentKind.Extension, settings.Id, this);
    }

    public ValueTask<AuthResult> AuthenticateAsync(IHeaderDictionary headers, CancellationToken cancellationToken)
    {
        var value = headers.Authorization.ToString();
        if (value.Length == 0) return ValueTask.FromResult(AuthResult.Fail("missing Authorization header"));
        if (!value.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase)) return ValueTask.FromResult(AuthResult.Fail("Authorization header is not \"Basic <credentials>\""));
        string decoded;
        try
        {
            decoded = Encoding.UTF8.GetString(Convert.FromBase64String(value[6..].Trim()));
        }
        catch (FormatException)
        {
            return ValueTask.FromResult(AuthResult.Fail("Basic credentials are not base64"));
        }
        var colon = decoded.IndexOf(':');
        if (colon < 0) return ValueTask.FromResult(AuthResult.Fail("Basic credentials are not user:password"));
        var (user, password) = (decoded[..colon], decoded[(colon + 1)..]);
        var users = _file?.Value ?? _inline;
        if (!ReferenceEquals(users, Volatile.Read(ref _verifiedAgainst)))
        {
            _verified.Clear();
            Volatile.Write(ref _verifiedAgainst, users);
        }
        var fingerprint = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(decoded)));
        if (_verified.TryGetValue(fingerprint, out var known) && known == user) return ValueTask.FromResult(AuthResult.Success(Principal.Named(user)));
        var hash = users.HashOf(user);
        if (hash is null || !HtpasswdFile.Verify(password, hash)) return ValueTask.FromResult(AuthResult.Fail("invalid user name or password"));
        if (_verified.Count < MaxRemembered) _verified[fingerprint] = user;
        return ValueTask.FromResult(AuthResult.Success(Principal.Named(user)));
    }

    public string Challenge => "Basic realm=\"kubetrace\", charset=\"UTF-8\"";

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task ShutdownAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

public sealed class BasicAuthFactory() : ComponentFactory<BasicAuthConfig>("basicauth", ComponentKind.Extension), IExtensionFactory
{
    public IExtension Create(ComponentSettings settings, object config) => new BasicAuthenticator(settings, (BasicAuthConfig)config);
}
