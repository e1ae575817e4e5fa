using System.Buffers;
using System.Text;

namespace Kubetrace.Storage.Model;

/// <summary>
/// Looks UTF-8 bytes (straight from the OTLP wire) up in a dictionary keyed by string without making a string:
/// ASCII (nearly every key and value) is widened on the stack, anything else transcoded.
/// </summary>
internal static class Utf8Keys
{
    private const int StackChars = 256;

    public static bool TryGetValue(Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> lookup, ReadOnlySpan<byte> utf8, out int id)
    {
        char[]? rented = null;
        var chars = utf8.Length <= StackChars ? stackalloc char[StackChars] : (rented = ArrayPool<char>.Shared.Rent(utf8.Length));
        try
        {
            return lookup.TryGetValue(chars[..Widen(utf8, chars)], out id);
        }
        finally
        {
            if (rented is not null) ArrayPool<char>.Shared.Return(rented);
        }
    }

    private static int Widen(ReadOnlySpan<byte> utf8, Span<char> chars) =>
        Ascii.ToUtf16(utf8, chars, out var written) == OperationStatus.Done ? written : System.Text.Encoding.UTF8.GetChars(utf8, chars);
}
