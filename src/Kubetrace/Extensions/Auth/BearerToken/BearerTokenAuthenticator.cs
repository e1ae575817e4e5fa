using System.Security.Cryptography;
using System.Text;
using Kubetrace.Components;
using Microsoft.AspNetCore.Http;

namespace Kubetrace.Extensions.Auth.BearerToken;

/// <summary>
/// Accepts a request whose header holds one of the configured tokens (compared in constant time). The principal is
/// the extension's ID (<c>bearertokenauth/agents</c>): a shared token names a kind of client, not a person. As the
/// Collector's, the same extension is a client authenticator too: an exporter naming it sends the first token (of
/// the file as it is now: a projected ServiceAccount token that the kubelet renews).
/// </summary>
public sealed class BearerTokenAuthenticator : IServerAuthenticator, IClientAuthenticator, IExtension
{
    private readonly BearerTokenAuthConfig _config;
    private readonly Principal _principal;
    private readonly byte[][]? _fixed;
    private readonly WatchedFile<byte[][]>? _file;

    public BearerTokenAuthenticator(ComponentSettings settings, BearerTokenAuthConfig config)
    {
        _config = config;
        _principal = Principal.Named(settings.Id.ToString());
        if (!string.IsNullOrEmpty(config.Filename))
            _file = new WatchedFile<byte[][]>(config.Filename, ParseFile, settings.CreateLogger(), settings.Clock);
        else
            _fixed = (config.Tokens.Count > 0 ? config.Tokens : [config.Token!]).Select(t => Encoding.UTF8.GetBytes(t)).ToArray();
        settings.Directory.Publish(ComponentKind.Extension, settings.Id, this);
    }

    public ValueTask<AuthResult> AuthenticateAsync(IHeaderDictionary headers, CancellationToken cancellationToken)
    {
        var value = headers[_config.Header].ToString();
        if (value.Length == 0) return ValueTask.FromResult(AuthResult.Fail($"missing {_config.Header} header"));
        var token = value.AsSpan();
        if (_config.Scheme.Length > 0)
        {
            if (!token.StartsWith(_config.Scheme, StringComparison.OrdinalIgnoreCase) || token.Length <= _config.Scheme.Length || token[_config.Scheme.Length] != ' ')
                return ValueTask.FromResult(AuthResult.Fail($"{_config.Header} header is not \"{_config.Scheme} <token>\""));
            token = token[(_config.Scheme.Length + 1)..].Trim();
        }
        Span<byte> bytes = stackalloc byte[Math.Min(Encoding.UTF8.GetMaxByteCount(token.Length), 4096)];
        if (!Encoding.UTF8.TryGetBytes(token, bytes, out var written)) return ValueTask.FromResult(AuthResult.Fail("token is too long"));
        foreach (var accepted in _file?.Value ?? _fixed!)
        {
            if (CryptographicOperations.FixedTimeEquals(accepted, bytes[..written])) return ValueTask.FromResult(AuthResult.Success(_principal));
        }
        return ValueTask.FromResult(AuthResult.Fail("invalid token"));
    }

    public (string Name, string Value) Header()
    {
        var token = Encoding.UTF8.GetString((_file?.Value ?? _fixed!)[0]);
        return (_config.Header.ToLowerInvariant(), _config.Scheme.Length > 0 ? $"{_config.Scheme} {token}" : token);
    }

    private static byte[][] ParseFile(string text)
    {
        var tokens = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(t => Encoding.UTF8.GetBytes(t)).ToArray();
        return tokens.Length > 0 ? tokens : throw new InvalidDataException("the token file is empty");
    }

    public string Challenge => $"{(_config.Scheme.Length > 0 ? _config.Scheme : "Bearer")} realm=\"kubetrace\"";

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task ShutdownAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

public sealed class BearerTokenAuthFactory() : ComponentFactory<BearerTokenAuthConfig>("bearertokenauth", ComponentKind.Extension), IExtensionFactory
{
    public IExtension Create(ComponentSettings settings, object config) => new BearerTokenAuthenticator(settings, (BearerTokenAuthConfig)config);
}
