using System.Globalization;
using Kubetrace.Api;
using Kubetrace.Query;
using Kubetrace.Storage;

namespace Kubetrace.Analysis;

/// <summary>What an analysis runs on: the store (through the query engine), a time range and its parameters.</summary>
public sealed record AnalysisRequest(QueryEngine Engine, TimeRange Range, IReadOnlyDictionary<string, string> Parameters)
{
    public ITraceStore Store => Engine.Store;

    /// <summary>The components' sampling rates the answer is scaled by (configured, or given with the query).</summary>
    public Sampling.SamplingRates Sampling { get; init; } = Analysis.Sampling.SamplingRates.Unknown;

    /// <summary>How rows are told what they rest on, at these rates.</summary>
    public Sampling.RowSamples Samples => new(Sampling);

    /// <summary>A parameter's value, or null when not given.</summary>
    public string? Get(string name) => Parameters.TryGetValue(name, out var value) && value.Length > 0 ? value : null;

    /// <summary>A required parameter; a clear 400 when it is missing.</summary>
    public string Require(string name) => Get(name) ?? throw new BadQueryException($"{name} is required");

    /// <summary>
    /// A whole-number parameter from 1 to <paramref name="max"/> (a limit, a count); <paramref name="fallback"/> when
    /// it is not given; a clear 400 naming it otherwise.
    /// </summary>
    public int Count(string name, int fallback, int max)
    {
        var text = Get(name);
        if (text is null) return fallback;
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= 1 && n <= max ? n
            : throw new BadQueryException($"{name}: \"{text}\" is not a number from 1 to {max}");
    }

    /// <summary>A trace ID parameter; a clear 400 when it is missing or malformed.</summary>
    public TraceId RequireTraceId(string name)
    {
        var text = Require(name);
        return TraceId.TryParse(text, out var id) ? id : throw new BadQueryException($"{name}: \"{text}\" is not a trace ID (1 to 32 hex digits)");
    }
}
