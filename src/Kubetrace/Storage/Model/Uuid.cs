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

    /// <summary>The same test on UTF-8 bytes (the wire form), without making a string. On the head's hot path (one
    /// audit ID per span): digits go through a table into two 64-bit halves.</summary>
    public static bool TryParse(ReadOnlySpan<byte> text, out UInt128 value)
    {
        value = 0;
        if (text.Length != 36 || text[8] != '-' || text[13] != '-' || text[18] != '-' || text[23] != '-') return false;
        var digits = LowercaseHexDigits;
        ulong high = 0, low = 0, invalid = 0;
        for (var i = 0; i < 18; i++)
        {
            if (i is 8 or 13) continue;
            var digit = digits[text[i]];
            invalid |= digit;
            high = (high << 4) | digit;
        }
        for (var i = 19; i < 36; i++)
        {
            if (i == 23) continue;
            var digit = digits[text[i]];
            invalid |= digit;
            low = (low << 4) | digit;
        }
        if ((invalid & 0x10) != 0) return false; // uppercase would not round-trip through lowercase formatting
        value = new UInt128(high, low);
        return true;
    }

    /// <summary>Value of '0'-'9' and 'a'-'f'; 0x10 for every other byte.</summary>
    private static ReadOnlySpan<byte> LowercaseHexDigits =>
    [
        16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16,
        16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 16, 16, 16, 16, 16, 16,
        16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16,
        16, 10, 11, 12, 13, 14, 15, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16,
        16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16,
        16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16,
        16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16,
        16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16,
    ];

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
