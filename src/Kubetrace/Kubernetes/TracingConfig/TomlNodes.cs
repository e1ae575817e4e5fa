using Tomlyn.Syntax;

namespace Kubetrace.Kubernetes.TracingConfig;

/// <summary>Small questions asked of Tomlyn's syntax tree: key names, values as text, 1-based positions.</summary>
internal static class TomlNodes
{
    /// <summary>The parts of a dotted key: <c>plugins."io.containerd.internal.v1.tracing"</c> → [plugins, io.containerd.internal.v1.tracing].</summary>
    public static List<string> Parts(KeySyntax? key)
    {
        var parts = new List<string>();
        if (key is null) return parts;
        parts.Add(Text(key.Key));
        foreach (var dotted in key.DotKeys) parts.Add(Text(dotted.Key));
        return parts;
    }

    private static string Text(BareKeyOrStringValueSyntax? part) => part switch
    {
        StringValueSyntax text => text.Value ?? "",
        BareKeySyntax bare => bare.Key?.Text ?? "",
        _ => "",
    };

    /// <summary>Tomlyn counts lines and columns from 0; diagnostics count from 1, as editors do.</summary>
    public static (int Line, int Column) Position(SyntaxNodeBase node) => (node.Span.Start.Line + 1, node.Span.Start.Column + 1);

    public static string Describe(ValueSyntax? value) => value switch
    {
        StringValueSyntax text => $"the string \"{text.Value}\"",
        BooleanValueSyntax boolean => boolean.Value ? "true" : "false",
        IntegerValueSyntax integer => integer.Value.ToString(System.Globalization.CultureInfo.InvariantCulture),
        FloatValueSyntax number => number.Value.ToString(System.Globalization.CultureInfo.InvariantCulture),
        null => "nothing",
        _ => "a " + value.Kind.ToString().ToLowerInvariant(),
    };
}
