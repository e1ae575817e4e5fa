namespace Kubetrace.Config;

/// <summary>
/// One finding about a configuration, located by file, line, column and full key path, formatted the way
/// compilers do so that editors can jump to it: <c>config.yaml:7:9: exporters::otlp::timeout: invalid duration "5"</c>.
/// </summary>
/// <param name="Line">1-based; 0 when the problem has no position (for example a missing section).</param>
/// <param name="KeyPath">Keys joined with <c>::</c> as in the Collector's messages; empty for the whole file.</param>
public sealed record ConfigDiagnostic(string Source, int Line, int Column, string KeyPath, string Message)
{
    public override string ToString()
    {
        var location = Line > 0 ? $"{Source}:{Line}:{Column}" : Source;
        return KeyPath.Length == 0 ? $"{location}: {Message}" : $"{location}: {KeyPath}: {Message}";
    }
}
