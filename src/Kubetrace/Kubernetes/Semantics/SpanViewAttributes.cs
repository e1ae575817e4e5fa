using Kubetrace.Query;
using Kubetrace.Storage.Model;

namespace Kubetrace.Kubernetes.Semantics;

/// <summary>Raw attribute lookup over a stored OTLP span (span attributes first, then its resource's).</summary>
public readonly struct SpanViewAttributes(SpanView view) : IRawAttributes
{
    public string? Get(string rawKey)
    {
        foreach (var attribute in view.Span.Attributes)
            if (attribute.Key == rawKey && attribute.Value is { } value) return StoredValue.TextOf(value);
        foreach (var attribute in view.Resource.Resource?.Attributes ?? [])
            if (attribute.Key == rawKey && attribute.Value is { } value) return StoredValue.TextOf(value);
        return null;
    }

    /// <summary>The normalised value of <paramref name="key"/> on a stored span.</summary>
    public static string? Get(SpanView view, string key) => K8sVocabulary.Resolve(key, new SpanViewAttributes(view));
}
