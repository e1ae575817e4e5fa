namespace Kubetrace.Analysis;

/// <summary>
/// Every analysis Kubetrace offers, in the order <c>kubetrace analyze --help</c> lists them. Add one entry per
/// analysis (its class builds the definition).
/// </summary>
public static class AnalysisCatalog
{
    public static IReadOnlyList<AnalysisDefinition> All { get; } =
    [
    ];

    public static AnalysisDefinition? Find(string name) => All.FirstOrDefault(a => a.Name == name);
}
