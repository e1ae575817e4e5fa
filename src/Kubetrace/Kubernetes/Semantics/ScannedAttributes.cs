using Kubetrace.Storage;
using Kubetrace.Storage.Scan;

namespace Kubetrace.Kubernetes.Semantics;

/// <summary>
/// Normalised attributes over a span scan: built from the normalised keys an analysis needs, it makes the scan
/// request (the raw keys behind them) and reads normalised values from each <see cref="ScannedSpan"/>.
/// </summary>
public sealed class ScannedAttributes
{
    private readonly string[] _rawKeys;

    public ScannedAttributes(TimeRange range, IEnumerable<string> normalisedKeys, IEnumerable<string>? rawKeys = null)
    {
        var keys = K8sVocabulary.SourcesOf(normalisedKeys).Concat(rawKeys ?? []).Distinct().ToList();
        Request = new SpanScanRequest(range, keys);
        _rawKeys = keys.ToArray();
    }

    public SpanScanRequest Request { get; private set; }

    /// <summary>Restricts the scan to traces touching these services.</summary>
    public ScannedAttributes ForServices(params string[] services)
    {
        Request = Request with { Services = new HashSet<string>(services, StringComparer.Ordinal) };
        return this;
    }

    /// <summary>The normalised value of <paramref name="key"/> (a <see cref="K8sKeys"/> name, or a raw key asked for).</summary>
    public string? Get(ScannedSpan span, string key) => K8sVocabulary.Resolve(key, new Raw(span, _rawKeys));

    /// <remarks>
    /// Called several times per span for millions of spans, so no hashing: the keys are the vocabulary's string
    /// constants, found by reference among the ~20 asked for; a key spelt at run time is found by value.
    /// </remarks>
    private readonly struct Raw(ScannedSpan span, string[] keys) : IRawAttributes
    {
        public string? Get(string rawKey)
        {
            for (var i = 0; i < keys.Length; i++)
                if (ReferenceEquals(keys[i], rawKey)) return span.Value(i);
            for (var i = 0; i < keys.Length; i++)
                if (keys[i] == rawKey) return span.Value(i);
            return null;
        }
    }
}
