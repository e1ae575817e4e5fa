using System.CommandLine;

namespace Kubetrace.Cli.K8s;

/// <summary><c>kubetrace k8s</c>: helpers for tracing a Kubernetes cluster's own components.</summary>
public static class K8sCommand
{
    public static Command Create() => new("k8s", "Configure and size the tracing of Kubernetes components, and list what each release emits")
    {
        TracingConfigCommand.Create(),
        InstallCommand.Create(),
        EstimateCommand.Create(),
        CatalogCommand.Create(),
    };
}
