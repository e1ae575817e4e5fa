using System.Globalization;
using System.Text;

namespace Kubetrace.Processors.Ottl;

internal enum TokenKind
{
    Identifier,
    String,
    Integer,
    Float,
    Operator,
    Punctuation,
    End,
}

internal readonly record struct Token(TokenKind Kind, string Text, int Position, object? Value = null);

/// <summary>Splits an OTTL statement into tokens: names, "strings" (with \" and \\ escapes), numbers, comparison
/// operators and ( ) [ ] , . punctuation.</summary>
internal static class OttlLexer
{
    public static List<Token> Tokenize(string text)
    {
        var tokens = new List<Token>();
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
                continue;
            }
            var start = i;
            if (c == '"')
            {
                var builder = new StringBuilder();
                i++;
                while (i < text.Length && text[i] != '"')
                {
                    if (text[i] == '\\' && i + 1 < text.Length)
                    {
                        i++;
                        builder.Append(text[i] switch { 'n' => '\n', 't' => '\t', _ => text[i] });
                    }
                    else builder.Append(text[i]);
                    i++;
                }
                if (i >= text.Length) throw new OttlException($"unterminated string starting at offset {start} in \"{text}\"");
                i++;
                tokens.Add(new Token(TokenKind.String, text[start..i], start, builder.ToString()));
            }
            else if (char.IsAsciiDigit(c) || (c == '-' && i + 1 < text.Length && char.IsAsciiDigit(text[i + 1])))
            {
                i++;
                while (i < text.Length && (char.IsAsciiDigit(text[i]) || text[i] == '.')) i++;
                var number = text[start..i];
                tokens.Add(number.Contains('.')
                    ? new Token(TokenKind.Float, number, start, double.Parse(number, CultureInfo.InvariantCulture))
                    : new Token(TokenKind.Integer, number, start, long.Parse(number, CultureInfo.InvariantCulture)));
            }
            else if (char.IsAsciiLetter(c) || c == '_')
            {
                while (i < text.Length && (char.IsAsciiLetterOrDigit(text[i]) || text[i] == '_')) i++;
                tokens.Add(new Token(TokenKind.Identifier, text[start..i], start));
            }
            else if (c is '=' or '!' or '<' or '>')
            {
                i += i + 1 < text.Length && text[i + 1] == '=' ? 2 : 1;
                var op = text[start..i];
                if (op is "=" or "!") throw new OttlException($"unsupported operator \"{op}\" at offset {start} in \"{text}\" (use == or !=)");
                tokens.Add(new Token(TokenKind.Operator, op, start));
            }
            else if (c is '(' or ')' or '[' or ']' or ',' or '.')
            {
                i++;
                tokens.Add(new Token(TokenKind.Punctuation, c.ToString(), start));
            }
            else
            {
                throw new OttlException($"unexpected character '{c}' at offset {start} in \"{text}\"");
            }
        }
        tokens.Add(new Token(TokenKind.End, "", text.Length));
        return tokens;
    }
}
