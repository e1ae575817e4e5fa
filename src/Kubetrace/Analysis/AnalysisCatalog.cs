namespace Kubetrace.Analysis;

/// <summary>
/// Every analysis Kubetrace offers, in the order <c>kubetrace analyze --help</c> lists them. Add one entry per
/// analysis (its class builds the definition).
/// </summary>
public static class AnalysisCatalog
{
    public static IReadOnlyList<AnalysisDefinition> All { get; } =
    [
        Kubernetes.Analyses.ApiserverLatencyAnalysis.Definition,
        Kubernetes.Analyses.WebhookLatencyAnalysis.Definition,
        Kubernetes.Analyses.EtcdLatencyAnalysis.Definition,
        Kubernetes.Analyses.Storage.EtcdTimelineAnalysis.Definition,
        Kubernetes.Analyses.Storage.ListsAnalysis.Definition,
        Kubernetes.Analyses.Pods.PodsAnalysis.Definition,
        Kubernetes.Analyses.Objects.ObjectAnalysis.Definition,
        Kubernetes.Analyses.Flow.FlowAnalysis.Definition,
        CriticalPath.CriticalPathAnalysis.Definition,
        ServiceGraph.ServiceGraphAnalysis.Definition,
        Red.RedAnalysis.Definition,
        Compare.CompareAnalysis.Definition,
    ];

    public static AnalysisDefinition? Find(string name) => All.FirstOrDefault(a => a.Name == name);
}
