namespace Kubetrace.Kubernetes.TracingConfig;

/// <summary>Writes a string as a YAML scalar, quoted only when it would otherwise read as something else.</summary>
internal static class YamlText
{
    public static string Scalar(string value)
    {
        var needsQuotes = value.Length == 0
            || "[]{}&*!|>'\"%@`#,?-:".Contains(value[0])
            || value.Contains(": ", StringComparison.Ordinal)
            || value.Contains(" #", StringComparison.Ordinal)
            || value.EndsWith(':')
            || value != value.Trim();
        return needsQuotes ? "\"" + value.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"" : value;
    }
}
