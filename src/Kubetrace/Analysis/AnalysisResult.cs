namespace Kubetrace.Analysis;

/// <summary>
/// What an analysis found: <see cref="Data"/>, its typed result (serialised as JSON for <c>--json</c> and API
/// clients), and <see cref="Table"/>, the same findings as rows sorted worst first for people.
/// </summary>
public sealed record AnalysisResult(object Data, AnalysisTable Table);

/// <summary>A readable table: the CLI draws it with Spectre.Console, the UI as HTML.</summary>
public sealed record AnalysisTable(string Title, IReadOnlyList<string> Columns, IReadOnlyList<IReadOnlyList<string>> Rows)
{
    /// <summary>Lines under the table: what was planted, what was skipped, how many spans were read.</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];

    /// <summary>
    /// Columns a narrow terminal leaves out first, in that order (the CLI's fitted layout); the others go after them,
    /// rightmost first, and the first column never. Empty: rightmost first.
    /// </summary>
    public IReadOnlyList<string> DropFirst { get; init; } = [];

    /// <summary>
    /// What each row rests on, in row order: written as the table's last column (<c>Traces</c>) and its
    /// <c>samples</c>, so that no analysis's table lacks it (every catalog entry is tested for it).
    /// </summary>
    public IReadOnlyList<Sampling.RowSample> Samples { get; init; } = [];

    /// <summary>
    /// Per row, in row order, the search that finds the spans the row measured (<see cref="RowSearch"/>; null for a
    /// row no search can single out). Empty: the analysis gives none.
    /// </summary>
    public IReadOnlyList<RowSearch?> Searches { get; init; } = [];

    /// <summary>
    /// Per row, in row order, concrete traces that show it (<see cref="RowExamples"/>: the slowest and a typical one,
    /// chosen as the analysis classified its observations; null for a row without). Empty: the analysis gives none.
    /// </summary>
    public IReadOnlyList<RowExamples?> Examples { get; init; } = [];

    /// <summary>
    /// Per row, in row order, the one Kubernetes object the row is about (<see cref="RowObject"/>: a pod of the
    /// <c>pods</c> table), which the UI links to its object timeline; null for a row about none. Empty: the analysis gives none.
    /// </summary>
    public IReadOnlyList<RowObject?> Objects { get; init; } = [];

    /// <summary>How much of the cluster's traffic the whole answer rests on (its notes come first under the table).</summary>
    public Sampling.SamplingSummary? Sampling { get; init; }
}

/// <summary>A Kubernetes object as the <c>object</c> analysis takes it: <c>namespace/name</c> (or a cluster-scoped name) and its resource.</summary>
public sealed record RowObject(string Object, string Resource);
