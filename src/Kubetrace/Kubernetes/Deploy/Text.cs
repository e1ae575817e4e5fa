namespace Kubetrace.Kubernetes.Deploy;

/// <summary>Indentation for YAML written as text (manifests nest one template in another).</summary>
internal static class Text
{
    /// <summary>Indents every line but the first by <paramref name="spaces"/> (the first sits where it is inserted).</summary>
    public static string Indent(string text, int spaces) =>
        text.Replace("\n", "\n" + new string(' ', spaces)).Replace(new string(' ', spaces) + "\n", "\n");

    /// <summary>Indents every line by <paramref name="spaces"/> (blank lines stay empty).</summary>
    public static string IndentAll(string text, int spaces) =>
        string.Join("\n", text.Split('\n').Select(line => line.Length == 0 ? line : new string(' ', spaces) + line));
}
