namespace Kubetrace.Analysis;

/// <summary>
/// Every analysis Kubetrace offers, in the order <c>kubetrace analyze --help</c> lists them. Add one entry per
/// analysis (its class builds the definition).
/// </summary>
public static class AnalysisCatalog
{
    public static IReadOnlyList<AnalysisDefinition> All { get; } =
    [
        CriticalPath.CriticalPathAnalysis.Definition,
        Compare.CompareAnalysis.Definition,
        Kubernetes.Analyses.Pods.PodsAnalysis.Definition,
        Kubernetes.Analyses.Objects.ObjectAnalysis.Definition,
    ];

    public static AnalysisDefinition? Find(string name) => All.FirstOrDefault(a => a.Name == name);
}
