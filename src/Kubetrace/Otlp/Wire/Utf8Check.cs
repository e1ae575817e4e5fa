using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text.Unicode;

namespace Kubetrace.Otlp.Wire;

/// <summary>The UTF-8 check of every string the scanner meets, cheap for the short ASCII strings OTLP is made of.</summary>
/// <remarks>
/// Attribute keys and values are mostly a few to a few dozen ASCII bytes; <see cref="Utf8.IsValid"/> is vectorized
/// but its set-up costs more than such a string. ASCII is valid UTF-8, so a word-at-a-time high-bit test settles
/// short strings inline, and anything else (non-ASCII, long) goes to <see cref="Utf8.IsValid"/>, whose answer is
/// the one that counts.
/// </remarks>
internal static class Utf8Check
{
    private const int InlineLimit = 64;
    private const ulong HighBits = 0x8080_8080_8080_8080;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsValid(ReadOnlySpan<byte> text) =>
        (text.Length <= InlineLimit && IsShortAscii(text)) || Utf8.IsValid(text);

    private static bool IsShortAscii(ReadOnlySpan<byte> text)
    {
        ref var start = ref MemoryMarshal.GetReference(text);
        var length = text.Length;
        if (length >= 8)
        {
            // Whole words, then the last word again (overlapping) for the tail.
            ulong bits = Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref start, length - 8));
            for (var i = 0; i <= length - 8; i += 8) bits |= Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref start, i));
            return (bits & HighBits) == 0;
        }
        if (length >= 4)
        {
            var bits = Unsafe.ReadUnaligned<uint>(ref start) | Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref start, length - 4));
            return (bits & 0x8080_8080u) == 0;
        }
        uint any = 0;
        for (var i = 0; i < length; i++) any |= Unsafe.Add(ref start, i);
        return any < 0x80;
    }
}
