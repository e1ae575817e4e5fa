namespace Kubetrace.Components;

/// <summary>A component's identity in the configuration: <c>type</c> or <c>type/name</c>, as in the Collector.</summary>
public readonly record struct ComponentId(string Type, string Name)
{
    public static bool TryParse(string text, out ComponentId id, out string? error)
    {
        id = default;
        var slash = text.IndexOf('/');
        var type = slash < 0 ? text : text[..slash];
        var name = slash < 0 ? "" : text[(slash + 1)..];
        if (!IsValidType(type))
        {
            error = $"invalid component type \"{type}\": a type is letters, digits and underscores, starting with a letter";
            return false;
        }
        if (slash >= 0 && (name.Length == 0 || name.Any(char.IsWhiteSpace)))
        {
            error = $"invalid component name in \"{text}\": the name after \"/\" must be non-empty and have no spaces";
            return false;
        }
        id = new ComponentId(type, name);
        error = null;
        return true;
    }

    private static bool IsValidType(string type) =>
        type.Length > 0 && char.IsAsciiLetter(type[0]) && type.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');

    public override string ToString() => Name.Length == 0 ? Type : $"{Type}/{Name}";
}
