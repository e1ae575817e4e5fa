using System.CommandLine;
using System.CommandLine.Parsing;
using Kubetrace.Kubernetes.TracingConfig;

namespace Kubetrace.Cli.K8s;

/// <summary>Options shared by the <c>kubetrace k8s</c> commands (and <c>validate --kubernetes-version</c>).</summary>
public static class K8sOptions
{
    public static Option<KubernetesVersion?> KubernetesVersionOption(string description, bool withDefault) => new("--kubernetes-version")
    {
        Description = description,
        HelpName = "1.xx",
        DefaultValueFactory = withDefault ? _ => KubernetesTracingReleases.Default : null,
        CustomParser = result =>
        {
            var text = Token(result);
            if (KubernetesVersion.TryParse(text, out var version)) return version;
            result.AddError($"--kubernetes-version: \"{text}\" is not a Kubernetes release such as 1.31");
            return null;
        },
    };

    public static Option<ComponentVersion?> ComponentVersionOption(string name, string component, string choices, string defaultText, string? purpose = null) => new(name)
    {
        Description = purpose is null ? $"The {component} release [{defaultText}]" : $"{purpose}: the {component} release [{defaultText}]",
        HelpName = choices,
        CustomParser = result =>
        {
            var text = Token(result);
            if (ComponentVersion.TryParse(text, out var version)) return version;
            result.AddError($"{name}: \"{text}\" is not {("aeiou".Contains(component[0]) ? "an" : "a")} {component} release such as {choices.Split('|')[0]}");
            return null;
        },
    };

    public static Option<int?> SamplingRateOption(string description) => new("--sampling-rate-per-million")
    {
        Description = description,
        HelpName = "0-1000000",
        Validators =
        {
            result =>
            {
                if (result.GetValueOrDefault<int?>() is { } rate && !SamplingRate.IsValid(rate))
                    result.AddError($"--sampling-rate-per-million must be from 0 to {SamplingRate.PerMillionMax} (1000000 samples every trace), got {rate}");
            },
        },
    };

    private static string Token(ArgumentResult result) => result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
}
