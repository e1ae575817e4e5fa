using System.CommandLine;
using Kubetrace.Exporters.Otlp;

namespace Kubetrace.Cli.Query;

/// <summary>
/// Where a query command connects and how it proves who it is: <c>--server</c>, a bearer token (<c>--token</c>, or
/// better <c>--token-file</c>, which keeps it out of the process list and shell history) and <c>--ca-file</c>, the
/// CA that signed a query port's certificate when it is not one the system trusts.
/// </summary>
public sealed class ConnectionOptions
{
    public Option<Uri> Server { get; } = QueryOptions.Server();

    public Option<string> Token { get; } = new("--token")
    {
        Description = "Bearer token for a query port with auth: (visible to other users in the process list: prefer --token-file)",
        HelpName = "TOKEN",
    };

    public Option<FileInfo> TokenFile { get; } = new("--token-file")
    {
        Description = "File whose first line is the bearer token (a mounted Secret, a ServiceAccount token)",
        HelpName = "FILE",
    };

    public Option<FileInfo> CaFile { get; } = new("--ca-file")
    {
        Description = "PEM file of the CA that signed the query port's TLS certificate (a private CA)",
        HelpName = "FILE",
    };

    public Option<string> OrgId { get; } = new("--org-id")
    {
        Description = "Tenant to read (sent as X-Scope-OrgID, as tempo-cli's --org-id); a|b reads several. Needed when the server has multitenancy_enabled",
        HelpName = "TENANT",
    };

    public IEnumerable<Option> All => [Server, Token, TokenFile, CaFile, OrgId];

    /// <summary>A client with these settings.</summary>
    /// <exception cref="QueryFailure">A file cannot be read, or both token options were given.</exception>
    public NativeApiClient CreateClient(ParseResult parse)
    {
        var token = parse.GetValue(Token);
        if (parse.GetValue(TokenFile) is { } file)
        {
            if (token is not null) throw new QueryFailure("give --token or --token-file, not both");
            token = Read(file, "--token-file").Split('\n')[0].Trim();
            if (token.Length == 0) throw new QueryFailure($"--token-file: \"{file.FullName}\" is empty");
        }
        if (token is { Length: 0 }) throw new QueryFailure("--token is empty");
        var handler = parse.GetValue(CaFile) is { } ca ? CaHandler(ca) : new SocketsHttpHandler();
        return new NativeApiClient(parse.GetValue(Server)!, token, handler, parse.GetValue(OrgId));
    }

    private static SocketsHttpHandler CaHandler(FileInfo ca)
    {
        Read(ca, "--ca-file");
        try
        {
            return ClientHandlerFactory.Create(new ClientTlsConfig { CaFile = ca.FullName });
        }
        catch (System.Security.Cryptography.CryptographicException e)
        {
            throw new QueryFailure($"--ca-file: \"{ca.FullName}\" holds no PEM certificate: {e.Message}");
        }
    }

    private static string Read(FileInfo file, string option)
    {
        try
        {
            return File.ReadAllText(file.FullName);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new QueryFailure($"{option}: cannot read \"{file.FullName}\": {e.Message}");
        }
    }
}

/// <summary>Lets a command's initializer list the connection options as one item: <c>new Command(...) { server, json }</c>.</summary>
public static class ConnectionOptionsInitializer
{
    public static void Add(this Command command, ConnectionOptions connection)
    {
        foreach (var option in connection.All) command.Options.Add(option);
    }
}
