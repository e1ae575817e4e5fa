namespace Kubetrace.Config;

/// <summary>Finds the known key closest to a misspelt one, for "did you mean" hints.</summary>
public static class KeySuggestion
{
    /// <summary>Returns <c> (did you mean "x"?)</c> or an empty string when nothing is close enough.</summary>
    public static string DidYouMean(string given, IEnumerable<string> known)
    {
        var best = Closest(given, known);
        return best is null ? "" : $" (did you mean \"{best}\"?)";
    }

    public static string? Closest(string given, IEnumerable<string> known)
    {
        // Compare without case and underscores so that camelCase spellings of snake_case keys (logLevel for
        // log_level) count as identical, then allow about one edit per three characters.
        var normalizedGiven = Normalize(given);
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var candidate in known)
        {
            var distance = Levenshtein(normalizedGiven, Normalize(candidate));
            if (distance < bestDistance)
            {
                best = candidate;
                bestDistance = distance;
            }
        }
        var allowed = Math.Max(1, Math.Min(3, normalizedGiven.Length / 3));
        return bestDistance <= allowed ? best : null;
    }

    private static string Normalize(string key) => key.Replace("_", "").Replace("-", "").ToLowerInvariant();

    public static int Levenshtein(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++) previous[j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                current[j] = Math.Min(substitution, Math.Min(previous[j] + 1, current[j - 1] + 1));
            }
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }
}
