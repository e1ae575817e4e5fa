using Kubetrace.Storage;
using Kubetrace.Storage.Scan;

namespace Kubetrace.Kubernetes.Semantics;

/// <summary>
/// Normalised attributes over a span scan: built from the normalised keys an analysis needs, it makes the scan
/// request (the raw keys behind them) and reads normalised values from each <see cref="ScannedSpan"/>.
/// </summary>
public sealed class ScannedAttributes
{
    private readonly Dictionary<string, int> _rawIndex;

    public ScannedAttributes(TimeRange range, IEnumerable<string> normalisedKeys, IEnumerable<string>? rawKeys = null)
    {
        var keys = K8sVocabulary.SourcesOf(normalisedKeys).Concat(rawKeys ?? []).Distinct().ToList();
        Request = new SpanScanRequest(range, keys);
        _rawIndex = keys.Select((key, i) => (key, i)).ToDictionary(p => p.key, p => p.i);
    }

    public SpanScanRequest Request { get; private set; }

    /// <summary>Restricts the scan to traces touching these services.</summary>
    public ScannedAttributes ForServices(params string[] services)
    {
        Request = Request with { Services = new HashSet<string>(services, StringComparer.Ordinal) };
        return this;
    }

    /// <summary>The normalised value of <paramref name="key"/> (a <see cref="K8sKeys"/> name, or a raw key asked for).</summary>
    public string? Get(ScannedSpan span, string key) => K8sVocabulary.Resolve(key, new Raw(span, _rawIndex));

    private readonly struct Raw(ScannedSpan span, Dictionary<string, int> index) : IRawAttributes
    {
        public string? Get(string rawKey) => index.TryGetValue(rawKey, out var i) ? span.Value(i) : null;
    }
}
