using System.CommandLine;
using Kubetrace.Cli.K8s;
using Kubetrace.Config;

namespace Kubetrace.Cli;

/// <summary><c>kubetrace validate FILE</c> (or <c>--config FILE</c>, as <c>otelcol validate</c> takes it).</summary>
public static class ValidateCommand
{
    /// <param name="catalog">The component types to accept; the registry's by default (tests pass their own).</param>
    public static Command Create(ComponentCatalog? catalog = null)
    {
        var file = new Argument<string?>("FILE") { Description = "Configuration file to check", Arity = ArgumentArity.ZeroOrOne };
        var config = ConfigOption.Create("Configuration file to check (same as FILE); repeat to check files merged");
        var set = ConfigOption.CreateSet();
        var kubernetes = K8sOptions.KubernetesVersionOption(
            "For Kubernetes files: the release to check against (apiVersions, feature gates) [default: what holds for every release]", withDefault: false);
        var etcd = K8sOptions.ComponentVersionOption("--etcd-version", "etcd", "3.5|3.5.9|3.6|3.7",
            "default: what holds for every release", purpose: "For an etcd flags file");
        var command = new Command("validate",
            "Check a Collector-format configuration, or a component's tracing configuration (Kubernetes TracingConfiguration / " +
            "KubeletConfiguration, containerd config.toml, etcd flags), and report every error")
        {
            file, config, set, kubernetes, etcd,
        };
        command.Validators.Add(result =>
        {
            var fromArgument = result.GetValue(file);
            var fromOption = result.GetValue(config) ?? [];
            if (fromArgument is null && fromOption.Length == 0)
                result.AddError("give the configuration file to check: kubetrace validate FILE");
            else if (fromArgument is not null && fromOption.Length > 0)
                result.AddError("give the configuration file either as FILE or with --config, not both");
        });
        command.SetAction(parse =>
        {
            var paths = parse.GetValue(file) is { } path ? [path] : parse.GetValue(config) ?? [];
            if (KubernetesFileValidation.Applies(paths)) return KubernetesFileValidation.Run(parse, paths[0], parse.GetValue(set) ?? [], parse.GetValue(kubernetes), parse.GetValue(etcd));
            var result = ConfigOption.Load(paths, parse.GetValue(set) ?? [], catalog);
            ConfigOption.PrintDiagnostics(result, parse.InvocationConfiguration.Error);
            if (!result.IsValid) return ExitCodes.Failure;
            parse.InvocationConfiguration.Output.WriteLine("config is valid");
            return ExitCodes.Ok;
        });
        return command;
    }
}
