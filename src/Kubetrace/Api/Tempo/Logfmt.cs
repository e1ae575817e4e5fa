using System.Text;

namespace Kubetrace.Api.Tempo;

/// <summary>
/// Tempo's <c>tags</c> parameter: logfmt pairs <c>k=v k2="v 2" flag</c>, with go-logfmt's error texts and
/// positions (1-based) so that clients see the message Tempo would give.
/// </summary>
public static class Logfmt
{
    public static Dictionary<string, string> Parse(string text)
    {
        var pairs = new Dictionary<string, string>(StringComparer.Ordinal);
        var i = 0;
        while (true)
        {
            while (i < text.Length && text[i] == ' ') i++;
            if (i >= text.Length) return pairs;
            var keyStart = i;
            while (i < text.Length && text[i] > ' ' && text[i] != '=' && text[i] != '"') i++;
            if (i == keyStart) throw Unexpected(text, i);
            var key = text[keyStart..i];
            var value = "";
            if (i < text.Length && text[i] == '=')
            {
                i++;
                value = i < text.Length && text[i] == '"' ? Quoted(text, ref i) : Bare(text, ref i);
            }
            else if (i < text.Length && text[i] != ' ') throw Unexpected(text, i);
            if (!pairs.TryAdd(key, value)) throw new BadQueryException($"invalid tags: tag {key} has been set twice");
        }
    }

    private static string Bare(string text, ref int i)
    {
        var start = i;
        while (i < text.Length && text[i] > ' ')
        {
            if (text[i] is '=' or '"') throw Unexpected(text, i);
            i++;
        }
        return text[start..i];
    }

    private static string Quoted(string text, ref int i)
    {
        var value = new StringBuilder();
        for (i++; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '"')
            {
                i++;
                return value.ToString();
            }
            if (c != '\\' || i + 1 >= text.Length)
            {
                value.Append(c);
                continue;
            }
            i++;
            value.Append(text[i] switch
            {
                'b' => '\b', 'f' => '\f', 'n' => '\n', 'r' => '\r', 't' => '\t', var other => other,
            });
        }
        throw new BadQueryException($"invalid tags: unterminated quoted value at pos {text.Length + 1}");
    }

    private static BadQueryException Unexpected(string text, int index) =>
        new($"invalid tags: unexpected '{text[index]}' at pos {index + 1}");
}
