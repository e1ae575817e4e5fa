using System.CommandLine;
using Kubetrace.Kubernetes.Catalog;

namespace Kubetrace.Cli.K8s;

/// <summary>
/// <c>kubetrace k8s catalog</c>: prints what each release of each component emits, from the upstream source
/// (the catalog in code); <c>docs/catalog.md</c> is this output, and a test keeps them equal.
/// </summary>
public static class CatalogCommand
{
    public static Command Create()
    {
        var command = new Command("catalog", "Print the per-release span catalog (docs/catalog.md) as markdown");
        command.SetAction(parse =>
        {
            parse.InvocationConfiguration.Output.Write(CatalogMarkdown.Render());
            return ExitCodes.Ok;
        });
        return command;
    }
}
