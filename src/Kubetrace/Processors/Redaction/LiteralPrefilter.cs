using System.Buffers;

namespace Kubetrace.Processors.Redaction;

/// <summary>
/// Whether a text contains any of a set of literals (ASCII, any case), in vectorized passes: the one-character
/// literals through <see cref="SearchValues{T}"/> of chars, the longer ones through <see cref="SearchValues{T}"/> of
/// strings. Kept apart because one single-character literal among the strings sends .NET to its scalar
/// Aho–Corasick search for all of them (measured: six times slower on the load generator's values, see
/// docs/benchmarks.md), while strings of two characters or more take the vectorized (Teddy) path.
/// </summary>
internal sealed class LiteralPrefilter
{
    private readonly SearchValues<char>? _characters;
    private readonly SearchValues<string>? _strings;

    public LiteralPrefilter(IReadOnlyCollection<string> literals)
    {
        if (literals.Any(l => l.Length == 0)) throw new ArgumentException("an empty literal matches every text", nameof(literals));
        var characters = literals.Where(l => l.Length == 1).SelectMany(l => new[] { char.ToLowerInvariant(l[0]), char.ToUpperInvariant(l[0]) }).Distinct().ToArray();
        var strings = literals.Where(l => l.Length > 1).ToArray();
        _characters = characters.Length > 0 ? SearchValues.Create(characters) : null;
        _strings = strings.Length > 0 ? SearchValues.Create(strings, StringComparison.OrdinalIgnoreCase) : null;
    }

    public bool ContainsAny(ReadOnlySpan<char> text) =>
        _characters is not null && text.ContainsAny(_characters) || _strings is not null && text.ContainsAny(_strings);
}
