namespace Kubetrace.Analysis;

/// <summary>A positional argument or an option of an analysis, e.g. the trace ID of <c>critical-path</c>.</summary>
public sealed record AnalysisParameter(string Name, string Description, bool Required = true);

/// <summary>
/// One analysis, as plain data: the native API serves it at <c>/api/v1/analyze/{Name}</c> and the CLI as
/// <c>kubetrace analyze {Name}</c>, both generated from <see cref="AnalysisCatalog"/>, so adding an analysis is
/// writing its library class and one catalog entry.
/// </summary>
public sealed record AnalysisDefinition(
    string Name,
    string Summary,
    Func<AnalysisRequest, CancellationToken, Task<AnalysisResult>> RunAsync)
{
    /// <summary>Positional arguments, in order (API: query parameters of the same names).</summary>
    public IReadOnlyList<AnalysisParameter> Arguments { get; init; } = [];

    /// <summary>Named options (CLI <c>--name value</c>; API query parameters), all optional.</summary>
    public IReadOnlyList<AnalysisParameter> Options { get; init; } = [];

    /// <summary>
    /// The per-block aggregate this analysis merges instead of rescanning old blocks (null: it always scans). The
    /// store exporter registers every catalog entry's rollup (<see cref="Storage.StoreOptions.Rollups"/>).
    /// </summary>
    public Storage.Rollups.IRollup? Rollup { get; init; }
}
