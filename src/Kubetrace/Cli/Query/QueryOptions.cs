using System.CommandLine;

namespace Kubetrace.Cli.Query;

/// <summary>The options every command that talks to a running server shares: <c>--server</c> with its credentials
/// (<see cref="ConnectionOptions"/>) and <c>--width</c>; a command that prints a table has <see cref="Output.OutputOptions"/>
/// (<c>-o</c>, <c>--json</c>, <c>--width</c>, <c>--wide</c>).</summary>
public static class QueryOptions
{
    public const string DefaultServer = "http://localhost:16686";
    public const string ServerVariable = "KUBETRACE_SERVER";

    /// <summary>The server to ask when <c>--server</c> is not given: <c>$KUBETRACE_SERVER</c>, else the local query port.</summary>
    public static string ResolveServer(string? fromEnvironment) =>
        string.IsNullOrWhiteSpace(fromEnvironment) ? DefaultServer : fromEnvironment.Trim();

    /// <summary><c>--server</c>, <c>--token</c>, <c>--token-file</c> and <c>--ca-file</c>.</summary>
    public static ConnectionOptions Connection() => new();

    public static Option<Uri> Server() => new("--server", "-s")
    {
        Description = $"Query URL of a running kubetrace (default ${ServerVariable}, else {DefaultServer})",
        HelpName = "URL",
        DefaultValueFactory = result =>
        {
            var text = ResolveServer(Environment.GetEnvironmentVariable(ServerVariable));
            if (ParseServer(text) is { } uri) return uri;
            result.AddError($"${ServerVariable} must be an http:// or https:// URL, got \"{text}\"");
            return null!;
        },
        CustomParser = result =>
        {
            var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
            if (ParseServer(text) is { } uri) return uri;
            result.AddError($"--server must be an http:// or https:// URL, got \"{text}\"");
            return null;
        },
    };

    /// <summary><c>--width</c> and <c>--wide</c>: the columns of the output, the terminal's by default.</summary>
    public static WidthOptions Width() => new();

    /// <summary><c>-o table|wide|json|yaml</c>, <c>--json</c>, <c>--width</c> and <c>--wide</c>, for a command that prints a table of <paramref name="what"/>.</summary>
    public static Output.OutputOptions Output(string what) => new(what);

    private static Uri? ParseServer(string text) =>
        Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps) ? uri : null;
}

/// <summary>
/// <c>--width N</c> lays tables out to N columns (the terminal's by default, 80 when the output is not a terminal
/// but a test's writer); <c>--wide</c> shows every column whole however long the lines get, as piped output does.
/// </summary>
public sealed class WidthOptions
{
    public Option<int?> Width { get; } = new("--width")
    {
        Description = "Output width in columns (default: the terminal's); narrower tables cut names and leave out columns",
        HelpName = "columns",
        Validators = { result => { if (result.GetValueOrDefault<int?>() is < 40 or > 1000) result.AddError("--width must be from 40 to 1000"); } },
    };

    public Option<bool> Wide { get; } = new("--wide") { Description = "Show every column whole, however wide the lines get" };

    /// <summary>The width the console gets: <see cref="QueryConsole.WideWidth"/> for --wide, --width, or null (decide from the output).</summary>
    public int? Resolve(ParseResult parse) => parse.GetValue(Wide) ? QueryConsole.WideWidth : parse.GetValue(Width);
}
