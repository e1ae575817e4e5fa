using System.Globalization;
using Kubetrace.Api;

namespace Kubetrace.Analysis.Sampling;

/// <summary>
/// The <c>samplingRatePerMillion</c> each component was configured with, as told to Kubetrace (the
/// <c>kubetrace_query</c> extension's <c>sampling_rate_per_million</c>, or <c>--sampling-rate-per-million
/// [component=]N</c> on a query): by service name (<c>apiserver</c>, <c>kubelet</c>, <c>etcd</c>,
/// <c>containerd</c>, or any other), or one rate for every component. Analyses scale what they counted by it.
/// </summary>
public sealed class SamplingRates
{
    private const int Million = 1_000_000;
    private readonly Dictionary<string, int> _byComponent;
    private readonly int? _everyComponent;

    public static SamplingRates Unknown { get; } = new(new Dictionary<string, int>(StringComparer.Ordinal), null);

    private SamplingRates(Dictionary<string, int> byComponent, int? everyComponent)
    {
        _byComponent = byComponent;
        _everyComponent = everyComponent;
    }

    /// <summary>The configured rate per million of <paramref name="component"/> (a service name); null when not given.</summary>
    public int? RatePerMillion(string component) => _byComponent.TryGetValue(component, out var rate) ? rate : _everyComponent;

    public bool IsEmpty => _byComponent.Count == 0 && _everyComponent is null;

    /// <summary>From configuration: component → rate; the key <c>*</c> is every component not named.</summary>
    public static SamplingRates FromConfig(IReadOnlyDictionary<string, int>? rates)
    {
        if (rates is null || rates.Count == 0) return Unknown;
        var byComponent = new Dictionary<string, int>(StringComparer.Ordinal);
        int? every = null;
        foreach (var (component, rate) in rates)
        {
            if (Problem(rate) is { } problem) throw new ArgumentException($"sampling_rate_per_million::{component}: {problem}");
            if (component == "*") every = rate;
            else byComponent[component] = rate;
        }
        return new SamplingRates(byComponent, every);
    }

    /// <summary>
    /// These rates with <paramref name="values"/> (each <c>N</c> or <c>component=N</c>, comma-separated or repeated)
    /// over them; a clear 400 naming the value when one is not a rate.
    /// </summary>
    public SamplingRates With(IEnumerable<string> values)
    {
        var byComponent = new Dictionary<string, int>(_byComponent, StringComparer.Ordinal);
        var every = _everyComponent;
        foreach (var value in values)
        foreach (var item in value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var at = item.IndexOf('=');
            var (component, text) = at < 0 ? (null, item) : (item[..at].Trim(), item[(at + 1)..].Trim());
            if (component is { Length: 0 } || !int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var rate) || Problem(rate) is not null)
                throw new BadQueryException($"sampling-rate-per-million: \"{item}\" is not N or component=N with N from 0 to {Million}");
            if (component is null or "*") every = rate;
            else byComponent[component] = rate;
        }
        return new SamplingRates(byComponent, every);
    }

    private static string? Problem(int rate) => rate is < 0 or > Million ? $"{rate} is outside 0..{Million}" : null;
}
