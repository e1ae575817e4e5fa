using System.Text.RegularExpressions;

namespace Kubetrace.Pipeline;

/// <summary>
/// Error text that goes to clients (export refusals, API error bodies): a file system path in an exception's
/// message (<c>No space left on device : '/var/lib/kubetrace/wal/000000000042.wal'</c>) is cut to its file name,
/// so that answers do not disclose the server's layout. The server's log keeps the whole message.
/// </summary>
public static partial class ClientText
{
    public static string WithoutPaths(string message) => AbsolutePath().Replace(message, m => Path.GetFileName(m.Value.TrimEnd('/', '\\')));

    /// <summary>An absolute Unix path of two or more segments, or a Windows drive path.</summary>
    [GeneratedRegex(@"(?<![\w.])(?:/[^\s'""/:]+){2,}/?|[A-Za-z]:\\[^\s'""]+")]
    private static partial Regex AbsolutePath();
}
