namespace Kubetrace.Storage.Model;

/// <summary>
/// Canonical lowercase UUID text (8-4-4-4-12 hex) ⇄ 16 bytes. Audit IDs and request IDs are unique per span,
/// so dictionary-encoding them costs 36+ bytes each; as a number they cost 16 and round-trip exactly.
/// </summary>
internal static class Uuid
{
    public static bool TryParse(string text, out UInt128 value)
    {
        value = 0;
        if (text.Length != 36 || text[8] != '-' || text[13] != '-' || text[18] != '-' || text[23] != '-') return false;
        UInt128 result = 0;
        foreach (var c in text)
        {
            if (c == '-') continue;
            int digit;
            if (c is >= '0' and <= '9') digit = c - '0';
            else if (c is >= 'a' and <= 'f') digit = c - 'a' + 10;
            else return false; // uppercase would not round-trip through lowercase formatting
            result = (result << 4) | (uint)digit;
        }
        value = result;
        return true;
    }

    /// <summary>The same test on UTF-8 bytes (the wire form), without making a string.</summary>
    public static bool TryParse(ReadOnlySpan<byte> text, out UInt128 value)
    {
        value = 0;
        if (text.Length != 36 || text[8] != '-' || text[13] != '-' || text[18] != '-' || text[23] != '-') return false;
        UInt128 result = 0;
        foreach (var c in text)
        {
            if (c == '-') continue;
            int digit;
            if (c is >= (byte)'0' and <= (byte)'9') digit = c - '0';
            else if (c is >= (byte)'a' and <= (byte)'f') digit = c - 'a' + 10;
            else return false;
            result = (result << 4) | (uint)digit;
        }
        value = result;
        return true;
    }

    public static string Format(UInt128 value)
    {
        return string.Create(36, value, static (chars, v) =>
        {
            var pos = 35;
            for (var nibble = 0; nibble < 32; nibble++)
            {
                if (pos is 8 or 13 or 18 or 23) chars[pos--] = '-';
                var digit = (int)(v & 0xF);
                chars[pos--] = (char)(digit < 10 ? '0' + digit : 'a' + digit - 10);
                v >>= 4;
            }
        });
    }
}
