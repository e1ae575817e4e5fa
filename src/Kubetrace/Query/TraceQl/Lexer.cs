using System.Globalization;
using System.Text;

namespace Kubetrace.Query.TraceQl;

/// <summary>
/// Splits TraceQL into tokens the way Tempo's lexer does (pkg/traceql/lexer.go over Go's text/scanner): Go-style
/// numbers, strings (<c>"..."</c> with escapes, <c>`...`</c> raw) and comments; a number followed by duration units
/// is one DURATION; the longest operator wins (<c>!&gt;&gt;</c>); and after a token that opens an attribute name
/// (<c>.</c>, <c>span.</c>, <c>resource.</c>, ...) everything up to a space or one of <c>{}()=~!&lt;&gt;&amp;|^,</c>
/// is the name, with <c>"quoted parts"</c> for the rest, ended by an END_ATTRIBUTE token.
/// </summary>
public sealed class Lexer
{
    private readonly string _text;
    private int _pos;
    private int _line = 1;
    private int _lineStart;
    private bool _inAttribute;
    private TokenKind _currentScope = TokenKind.End;
    private Token _lastScanned;

    private Lexer(string text) => _text = text;

    /// <summary>Every token of <paramref name="text"/>, ending with <see cref="TokenKind.End"/>.</summary>
    public static List<Token> Tokenize(string text)
    {
        var lexer = new Lexer(text);
        var tokens = new List<Token>();
        while (true)
        {
            var token = lexer.Next();
            tokens.Add(token);
            if (token.Kind == TokenKind.End) return tokens;
        }
    }

    private char Peek(int ahead = 0) => _pos + ahead < _text.Length ? _text[_pos + ahead] : '\0';

    private bool AtEnd(int ahead = 0) => _pos + ahead >= _text.Length;

    private void Advance()
    {
        if (_text[_pos] == '\n')
        {
            _line++;
            _lineStart = _pos + 1;
        }
        _pos++;
    }

    private Token Next()
    {
        if (_inAttribute)
        {
            if (AtEnd() || !IsAttributeRune(Peek()))
            {
                _inAttribute = false;
                return At(TokenKind.EndAttribute, "");
            }
            if (TryScope() is { } scope) return scope;
            return At(TokenKind.Identifier, ReadAttributeName());
        }
        SkipSpaceAndComments();
        var line = _line;
        var column = _pos - _lineStart + 1;
        var start = _pos;
        if (AtEnd()) return _lastScanned = new Token(TokenKind.End, "", line, column, start);
        var c = Peek();
        if (char.IsAsciiDigit(c) || c == '.' && char.IsAsciiDigit(Peek(1))) return _lastScanned = Number(line, column);
        if (c == '"' || c == '`') return _lastScanned = StringLiteral(line, column);
        string text;
        if (char.IsLetter(c) || c == '_')
        {
            while (!AtEnd() && (char.IsLetterOrDigit(Peek()) || Peek() == '_')) Advance();
            text = _text[start.._pos];
        }
        else if (c == '\'')
        {
            // Go's scanner reads a character literal; Tempo's lexer then falls back to an identifier.
            Advance();
            while (!AtEnd() && Peek() != '\'' && Peek() != '\n') Advance();
            if (!AtEnd() && Peek() == '\'') Advance();
            text = _text[start.._pos];
        }
        else
        {
            Advance();
            text = _text[start.._pos];
        }

        // The longest run of characters that is still a known token (">>" over ">", "span." over "span").
        TokenKind? multi = null;
        var candidate = text;
        while (!AtEnd() && TokenNames.BySpelling.TryGetValue(candidate + Peek(), out var longer))
        {
            candidate += Peek();
            multi = longer;
            Advance();
        }
        var kind = multi ?? (TokenNames.BySpelling.TryGetValue(text, out var known) ? known : TokenKind.Identifier);
        if (multi is { } scope2 && TokenNames.IsScope(scope2)) _currentScope = scope2;
        _inAttribute = TokenNames.StartsAttribute(kind);
        return _lastScanned = new Token(kind, _text[start.._pos], line, column, start);
    }

    private Token At(TokenKind kind, string text) =>
        new(kind, text, _lastScanned.Line, _lastScanned.Column, _lastScanned.Offset);

    /// <summary>After <c>parent.</c>, a following <c>span.</c> or <c>resource.</c> is a scope, not the name.</summary>
    private Token? TryScope()
    {
        if (_currentScope != TokenKind.ParentDot) return null;
        var end = _pos;
        while (end < _text.Length && end - _pos <= 9 && _text[end] != '.' && IsAttributeRune(_text[end])) end++;
        if (end >= _text.Length || _text[end] != '.') return null;
        var word = _text[_pos..(end + 1)];
        if (word is not ("span." or "resource.")) return null;
        _pos = end + 1;
        _currentScope = word == "span." ? TokenKind.SpanDot : TokenKind.ResourceDot;
        return At(_currentScope, word);
    }

    private string ReadAttributeName()
    {
        var sb = new StringBuilder();
        while (!AtEnd())
        {
            var c = Peek();
            if (c == '"')
            {
                Advance();
                while (true)
                {
                    if (AtEnd()) throw Error("unexpected EOF, expecting \"");
                    c = Peek();
                    if (c == '"')
                    {
                        Advance();
                        break;
                    }
                    if (c == '\\')
                    {
                        Advance();
                        if (AtEnd() || Peek() is not ('\\' or '"')) throw Error("invalid escape sequence");
                        sb.Append(Peek());
                        Advance();
                        continue;
                    }
                    sb.Append(c);
                    Advance();
                }
            }
            else if (IsAttributeRune(c))
            {
                sb.Append(c);
                Advance();
            }
            else break;
        }
        return sb.ToString();
    }

    /// <summary>Characters that may appear unquoted in an attribute name (Tempo's isAttributeRune).</summary>
    public static bool IsAttributeRune(char c) =>
        !char.IsWhiteSpace(c) && c is not ('{' or '}' or '(' or ')' or '=' or '~' or '!' or '<' or '>' or '&' or '|' or '^' or ',');

    private Token Number(int line, int column)
    {
        var start = _pos;
        var isFloat = false;
        if (Peek() == '0' && Peek(1) is 'x' or 'X' or 'b' or 'B' or 'o' or 'O')
        {
            Advance();
            Advance();
            while (!AtEnd() && (char.IsAsciiHexDigit(Peek()) || Peek() == '_')) Advance();
            throw new TraceQlException(TraceQlErrorKind.Parse, $"strconv.Atoi: parsing \"{_text[start.._pos]}\": invalid syntax", line, column);
        }
        while (!AtEnd() && (char.IsAsciiDigit(Peek()) || Peek() == '_')) Advance();
        if (Peek() == '.')
        {
            isFloat = true;
            Advance();
            while (!AtEnd() && char.IsAsciiDigit(Peek())) Advance();
        }
        if (Peek() is 'e' or 'E' && (char.IsAsciiDigit(Peek(1)) || Peek(1) is '+' or '-' && char.IsAsciiDigit(Peek(2))))
        {
            isFloat = true;
            Advance();
            if (Peek() is '+' or '-') Advance();
            while (!AtEnd() && char.IsAsciiDigit(Peek())) Advance();
        }
        var number = _text[start.._pos];

        // A number followed (without a space) by digits, '.' and duration units is a duration if it parses as one.
        var end = _pos;
        while (end < _text.Length && !char.IsWhiteSpace(_text[end]) &&
               (char.IsDigit(_text[end]) || _text[end] is '.' or 'n' or 's' or 'u' or 'm' or 'h' or 'µ' or 'd' or 'w' or 'y'))
            end++;
        if (end > _pos && TraceQlDuration.TryParse(number + _text[_pos..end], out var nanos))
        {
            while (_pos < end) Advance();
            return new Token(TokenKind.Duration, _text[start.._pos], line, column, start) { IntValue = nanos };
        }
        if (isFloat)
        {
            if (!double.TryParse(number.Replace("_", ""), NumberStyles.Float, CultureInfo.InvariantCulture, out var f))
                throw new TraceQlException(TraceQlErrorKind.Parse, $"strconv.ParseFloat: parsing \"{number}\": invalid syntax", line, column);
            return new Token(TokenKind.Float, number, line, column, start) { FloatValue = f };
        }
        if (number.Contains('_') || !long.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out var i))
            throw new TraceQlException(TraceQlErrorKind.Parse,
                $"strconv.Atoi: parsing \"{number}\": {(number.Contains('_') ? "invalid syntax" : "value out of range")}", line, column);
        return new Token(TokenKind.Integer, number, line, column, start) { IntValue = i };
    }

    private Token StringLiteral(int line, int column)
    {
        var start = _pos;
        var quote = Peek();
        Advance();
        var sb = new StringBuilder();
        while (true)
        {
            if (AtEnd() || quote == '"' && Peek() == '\n')
                throw new TraceQlException(TraceQlErrorKind.Parse, "literal not terminated", line, column);
            var c = Peek();
            Advance();
            if (c == quote) break;
            if (c == '\\' && quote == '"') sb.Append(Escape(line, column));
            else if (c != '\r' || quote == '"') sb.Append(c); // Go drops carriage returns from raw strings
        }
        return new Token(TokenKind.String, sb.ToString(), line, column, start);
    }

    /// <summary>One escape of a Go interpreted string, after its backslash.</summary>
    private string Escape(int line, int column)
    {
        if (AtEnd()) throw new TraceQlException(TraceQlErrorKind.Parse, "literal not terminated", line, column);
        var c = Peek();
        Advance();
        switch (c)
        {
            case 'a': return "\a";
            case 'b': return "\b";
            case 'f': return "\f";
            case 'n': return "\n";
            case 'r': return "\r";
            case 't': return "\t";
            case 'v': return "\v";
            case '\\': return "\\";
            case '"': return "\"";
            case 'x': return ((char)Hex(2, line, column)).ToString();
            case 'u': return char.ConvertFromUtf32(Hex(4, line, column));
            case 'U': return char.ConvertFromUtf32(Hex(8, line, column));
        }
        if (c is >= '0' and <= '7')
        {
            var value = c - '0';
            for (var i = 0; i < 2; i++)
            {
                if (AtEnd() || Peek() is < '0' or > '7') throw new TraceQlException(TraceQlErrorKind.Parse, "invalid syntax", line, column);
                value = value * 8 + (Peek() - '0');
                Advance();
            }
            return ((char)value).ToString();
        }
        throw new TraceQlException(TraceQlErrorKind.Parse, "invalid syntax", line, column);
    }

    private int Hex(int digits, int line, int column)
    {
        var value = 0;
        for (var i = 0; i < digits; i++)
        {
            if (AtEnd() || !char.IsAsciiHexDigit(Peek())) throw new TraceQlException(TraceQlErrorKind.Parse, "invalid syntax", line, column);
            value = value * 16 + Convert.ToInt32(Peek().ToString(), 16);
            Advance();
        }
        if (value is > 0x10FFFF or >= 0xD800 and <= 0xDFFF) throw new TraceQlException(TraceQlErrorKind.Parse, "invalid syntax", line, column);
        return value;
    }

    private void SkipSpaceAndComments()
    {
        while (!AtEnd())
        {
            var c = Peek();
            if (c is ' ' or '\t' or '\n' or '\r') Advance();
            else if (c == '/' && Peek(1) == '/')
                while (!AtEnd() && Peek() != '\n') Advance();
            else if (c == '/' && Peek(1) == '*')
            {
                Advance();
                Advance();
                while (!AtEnd() && !(Peek() == '*' && Peek(1) == '/')) Advance();
                if (AtEnd()) throw Error("comment not terminated");
                Advance();
                Advance();
            }
            else return;
        }
    }

    private TraceQlException Error(string detail) =>
        new(TraceQlErrorKind.Parse, detail, _lastScanned.Line, _lastScanned.Column);
}
