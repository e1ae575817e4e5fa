using System.CommandLine;
using Kubetrace.Kubernetes.TracingConfig;

namespace Kubetrace.Cli.K8s;

/// <summary>
/// <c>kubetrace k8s tracing-config</c>: prints what one cluster component needs to send its traces to an OTLP
/// endpoint, as a file that is valid as printed (instructions and flags in comments).
/// </summary>
public static class TracingConfigCommand
{
    public static Command Create()
    {
        var component = new Option<TracedComponent>("--component")
        {
            Description = "The component to configure",
            HelpName = string.Join("|", TracedComponents.Names),
            Required = true,
            CustomParser = result =>
            {
                var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
                if (TracedComponents.Parse(text) is { } parsed) return parsed;
                result.AddError($"--component: \"{text}\" is not one of {string.Join(", ", TracedComponents.Names)}");
                return default;
            },
        };
        var endpoint = new Option<string>("--endpoint")
        {
            Description = "OTLP/gRPC endpoint the component sends to (a Kubetrace or a Collector)",
            HelpName = "HOST:PORT",
            DefaultValueFactory = _ => TracingEndpoint.Default,
        };
        var rate = K8sOptions.SamplingRateOption("New traces sampled per million [default: 100, i.e. 1 in 10,000; etcd 0, i.e. only under sampled apiserver requests]");
        var kubernetes = K8sOptions.KubernetesVersionOption("Kubernetes release of the cluster", withDefault: true);
        var etcd = K8sOptions.ComponentVersionOption("--etcd-version", "etcd", "3.5|3.5.9|3.6|3.7", "default: 3.6 from Kubernetes 1.34, 3.5 before, as kubeadm deploys; a 3.5 patch before 3.5.11 has no sampling-rate flag");
        var containerd = K8sOptions.ComponentVersionOption("--containerd-version", "containerd", "1.6|1.7", "default: 1.7");
        var output = new Option<string?>("--output", "-o") { Description = "Write the file here instead of printing it", HelpName = "FILE" };

        var command = new Command("tracing-config", "Print the tracing configuration a cluster component needs (apiserver, kubelet, etcd, containerd)")
        {
            component, endpoint, rate, kubernetes, etcd, containerd, output,
        };
        command.SetAction(parse =>
        {
            var error = parse.InvocationConfiguration.Error;
            var chosen = parse.GetValue(component);
            var version = parse.GetValue(kubernetes) ?? KubernetesTracingReleases.Default;
            if (version > KubernetesTracingReleases.NewestKnown)
                error.WriteLine($"note: Kubernetes {version} is newer than the releases this kubetrace knows; generated as for {KubernetesTracingReleases.NewestKnown}");
            var request = new TracingConfigRequest(
                chosen,
                parse.GetValue(endpoint)!.Trim(),
                parse.GetValue(rate) ?? TracedComponents.DefaultSamplingRatePerMillion(chosen),
                version,
                parse.GetValue(etcd),
                parse.GetValue(containerd));
            var result = TracingConfigGenerator.Generate(request);
            if (result.Config is not { } config)
            {
                error.WriteLine($"kubetrace k8s tracing-config: {result.Error}");
                return ExitCodes.Failure;
            }
            var text = config.Render();
            if (parse.GetValue(output) is { } path)
            {
                File.WriteAllText(path, text);
                parse.InvocationConfiguration.Output.WriteLine($"wrote {path}");
                foreach (var flag in config.Flags) parse.InvocationConfiguration.Output.WriteLine($"  {flag}");
            }
            else
            {
                parse.InvocationConfiguration.Output.Write(text);
            }
            return ExitCodes.Ok;
        });
        return command;
    }
}
