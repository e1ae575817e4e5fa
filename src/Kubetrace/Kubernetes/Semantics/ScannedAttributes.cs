using Kubetrace.Storage;
using Kubetrace.Storage.Scan;

namespace Kubetrace.Kubernetes.Semantics;

/// <summary>
/// Normalised attributes over a span scan: built from the normalised keys an analysis needs, it makes the scan
/// request (the raw keys behind them) and reads normalised values from each <see cref="ScannedSpan"/>.
/// </summary>
/// <remarks>
/// Called several times per span for millions of spans, so each key's sources are worked out once, as value
/// slots of the scan: a verbatim key (<see cref="K8sVocabulary.IsVerbatim"/>) is the first of its slots holding
/// a value, with no hashing and no allocation; only the keys the vocabulary rewrites go through
/// <see cref="K8sVocabulary.Resolve"/>. Keys are the vocabulary's string constants, found by reference among the
/// few planned; a key spelt at run time is found by value.
/// </remarks>
public sealed class ScannedAttributes
{
    private readonly string[] _rawKeys;
    private string[] _keys = [];
    private Plan[] _plans = [];

    public ScannedAttributes(TimeRange range, IEnumerable<string> normalisedKeys, IEnumerable<string>? rawKeys = null)
    {
        var normalised = normalisedKeys.ToList();
        var keys = K8sVocabulary.SourcesOf(normalised).Concat(rawKeys ?? []).Distinct().ToList();
        Request = new SpanScanRequest(range, keys);
        _rawKeys = keys.ToArray();
        foreach (var key in normalised.Concat(rawKeys ?? [])) PlanOf(key);
    }

    public SpanScanRequest Request { get; private set; }

    /// <summary>Restricts the scan to traces touching these services.</summary>
    public ScannedAttributes ForServices(params string[] services)
    {
        Request = Request with { Services = new HashSet<string>(services, StringComparer.Ordinal) };
        return this;
    }

    /// <summary>The normalised value of <paramref name="key"/> (a <see cref="K8sKeys"/> name, or a raw key asked for).</summary>
    public string? Get(ScannedSpan span, string key)
    {
        var plan = PlanOf(key);
        return plan.Verbatim ? First(span, plan.Slots) : K8sVocabulary.Resolve(key, new Raw(span, _rawKeys));
    }

    /// <summary>
    /// The raw value <paramref name="key"/> is normalised from: its first source present on the span, as stored
    /// (a <c>http.target</c> with its query, where <see cref="Get"/> gives the path alone).
    /// </summary>
    public string? Source(ScannedSpan span, string key) => First(span, PlanOf(key).Slots);

    private static string? First(ScannedSpan span, int[] slots)
    {
        for (var i = 0; i < slots.Length; i++)
            if (span.Value(slots[i]) is { } value) return value;
        return null;
    }

    private Plan PlanOf(string key)
    {
        var keys = _keys;
        for (var i = 0; i < keys.Length; i++)
            if (ReferenceEquals(keys[i], key)) return _plans[i];
        for (var i = 0; i < keys.Length; i++)
            if (keys[i] == key) return _plans[i];
        // Not planned at construction (a key spelt at run time): plan it now, once. Slots of keys not scanned are
        // -1, which reads as absent.
        var plan = new Plan(K8sVocabulary.IsVerbatim(key), K8sVocabulary.SourcesOf(key).Select(s => Array.IndexOf(_rawKeys, s)).ToArray());
        _plans = [.. _plans, plan];
        _keys = [.. keys, key];
        return plan;
    }

    private sealed record Plan(bool Verbatim, int[] Slots);

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
