namespace Kubetrace.Receivers.Otlp;

/// <summary>
/// Request headers as client metadata (<c>include_metadata</c>), looked up case-insensitively as HTTP header names
/// are. Pseudo-headers and binary gRPC headers are left out; repeated headers are joined with commas.
/// </summary>
internal static class ClientMetadata
{
    public static IReadOnlyDictionary<string, string> From(IEnumerable<KeyValuePair<string, string>> headers)
    {
        var metadata = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in headers)
        {
            if (name.StartsWith(':') || name.EndsWith("-bin", StringComparison.OrdinalIgnoreCase)) continue;
            var key = name.ToLowerInvariant();
            metadata[key] = metadata.TryGetValue(key, out var earlier) ? $"{earlier},{value}" : value;
        }
        return metadata;
    }
}
