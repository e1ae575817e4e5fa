using System.CommandLine;
using Kubetrace.Kubernetes.Deploy;
using Kubetrace.Kubernetes.TracingConfig;

namespace Kubetrace.Cli.K8s;

/// <summary>
/// <c>kubetrace k8s install</c>: writes the manifests of one topology and the control plane's tracing files
/// (docs/deploy.md). Nothing is applied: <c>--dry-run</c> prints the files, otherwise they go into a folder for
/// <c>kubectl apply -f</c> and <c>kubeadm --patches</c>.
/// </summary>
public static class InstallCommand
{
    public static Command Create()
    {
        var topology = ChoiceOption("--topology", InstallChoices.Topology,
            "Agent: a DaemonSet on every node forwarding to a gateway with the store; gateway: the store alone; single: one Deployment");
        topology.Required = true;
        var kubernetes = K8sOptions.KubernetesVersionOption("Kubernetes release of the cluster", withDefault: true);
        var ns = new Option<string>("--namespace") { Description = "Namespace of Kubetrace's objects", DefaultValueFactory = _ => "kubetrace" };
        var image = new Option<string>("--image") { Description = "Kubetrace image (scripts/build-image.sh builds it)", DefaultValueFactory = _ => InstallRequest.DefaultImage };
        var serviceIp = new Option<string>("--service-ip")
        {
            Description = "Fixed ClusterIP the components send to (they run without cluster DNS); must be in the cluster's Service range",
            DefaultValueFactory = _ => "10.96.0.50",
        };
        var storageSize = new Option<string>("--storage-size") { Description = "Volume of the embedded store", DefaultValueFactory = _ => "10Gi" };
        var storageClass = new Option<string?>("--storage-class") { Description = "StorageClass of the store's volume [default: the cluster's default]" };
        var retention = CliDuration.Option("--retention", "How long traces are kept (e.g. 72h, 7d, 2w)", "72h");
        var rate = K8sOptions.SamplingRateOption("New traces the apiserver, kubelet and containerd start per million [default: 100]; etcd follows the apiserver");
        var tlsSecret = new Option<string?>("--tls-secret")
        {
            Description = "Secret (kubernetes.io/tls with ca.crt, e.g. from cert-manager) with the serving certificate of the query ports " +
                          "and, in the agent topology, of the gateway's OTLP port (agents trust its ca.crt) [default: plaintext]",
        };
        var agentAuth = ChoiceOption("--agent-auth", InstallChoices.AgentAuth,
            "How agents authenticate to the gateway (agent topology, needs --tls-secret): none, mtls (client certificates), " +
            "service-account-token (projected token checked by the gateway's oidc extension)");
        var agentClientSecret = new Option<string?>("--agent-client-secret") { Description = "For --agent-auth mtls: Secret with the agents' tls.crt and tls.key, signed by the CA in --tls-secret's ca.crt" };
        var issuer = new Option<string>("--service-account-issuer")
        {
            Description = "The cluster's service-account issuer (kubectl get --raw /.well-known/openid-configuration)",
            DefaultValueFactory = _ => InstallSecurity.KubeadmIssuer,
        };
        var audience = new Option<string>("--token-audience") { Description = "Audience of the agents' projected tokens", DefaultValueFactory = _ => "kubetrace" };
        var jwks = new Option<string>("--jwks-configmap")
        {
            Description = "ConfigMap with jwks.json, the issuer's keys (kubectl get --raw /openid/v1/jwks)",
            DefaultValueFactory = _ => "kubetrace-sa-jwks",
        };
        var htpasswd = new Option<string?>("--query-htpasswd-secret") { Description = "Secret with an htpasswd key (htpasswd -B): basic authentication on the query ports [default: none]" };
        var dryRun = new Option<bool>("--dry-run") { Description = "Print the files instead of writing them" };
        var outputDir = new Option<string>("--output-dir", "-o") { Description = "Folder to write the files into", DefaultValueFactory = _ => "kubetrace-install" };

        var command = new Command("install", "Write the manifests of a Kubetrace topology and the control plane's tracing files")
        {
            topology, kubernetes, ns, image, serviceIp, storageSize, storageClass, retention, rate,
            tlsSecret, agentAuth, agentClientSecret, issuer, audience, jwks, htpasswd, dryRun, outputDir,
        };
        command.SetAction(parse =>
        {
            var output = parse.InvocationConfiguration.Output;
            var request = new InstallRequest(
                parse.GetValue(topology),
                parse.GetValue(kubernetes) ?? KubernetesTracingReleases.Default,
                parse.GetValue(ns)!,
                parse.GetValue(image)!,
                parse.GetValue(serviceIp)!,
                parse.GetValue(storageSize)!,
                parse.GetValue(storageClass),
                // The store's configuration reads Go's units only, as the Collector's does: 7d is written 168h.
                Config.GoDuration.Format(parse.GetValue(retention), withDays: false),
                parse.GetValue(rate) ?? 100,
                Security: new InstallSecurity(parse.GetValue(tlsSecret), parse.GetValue(agentAuth), parse.GetValue(agentClientSecret),
                    parse.GetValue(issuer)!, parse.GetValue(audience)!, parse.GetValue(jwks)!, parse.GetValue(htpasswd)));
            if (request.Problem() is { } problem)
            {
                parse.InvocationConfiguration.Error.WriteLine($"kubetrace k8s install: {problem}");
                return ExitCodes.Failure;
            }
            var files = InstallManifests.Render(request);
            if (parse.GetValue(dryRun))
            {
                foreach (var file in files)
                {
                    output.WriteLine($"# ==> {file.Path} <==");
                    output.Write(file.Content);
                }
                return ExitCodes.Ok;
            }
            var root = parse.GetValue(outputDir)!;
            foreach (var file in files)
            {
                var path = Path.Combine(root, file.Path);
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                File.WriteAllText(path, file.Content);
                output.WriteLine($"wrote {path}");
            }
            output.WriteLine();
            output.WriteLine("Next (docs/deploy.md):");
            output.WriteLine($"  kubetrace validate {Path.Combine(root, InstallManifests.ClusterFile)}");
            output.WriteLine($"  kubectl apply -f {Path.Combine(root, InstallManifests.ClusterFile)}");
            output.WriteLine($"  on each control-plane node: copy {ControlPlaneFiles.Directory}/tracing-config.yaml to {ApiServerTracing.SuggestedPath}, then");
            output.WriteLine($"    kubeadm upgrade node --patches {Path.Combine(root, ControlPlaneFiles.PatchesDirectory)}   (apiserver, etcd, kubelet)");
            output.WriteLine($"  on each node: copy {ControlPlaneFiles.Directory}/containerd-tracing.conf to {ContainerdTracing.DropInPath}");
            output.WriteLine($"    (containerd 1.7.0-1.7.15: merge {ControlPlaneFiles.Directory}/containerd-tracing.toml into {ContainerdTracing.ConfigPath} too),");
            output.WriteLine("    then systemctl daemon-reload && systemctl restart containerd");
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>An option whose value is one of <paramref name="choices"/>' names; anything else is an error listing them.</summary>
    private static Option<T> ChoiceOption<T>(string name, ChoiceNames<T> choices, string description) where T : struct, Enum => new(name)
    {
        Description = description,
        HelpName = string.Join("|", choices.Names),
        CustomParser = result =>
        {
            var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
            if (choices.Parse(text) is { } parsed) return parsed;
            result.AddError($"{name}: \"{text}\" is not one of {string.Join(", ", choices.Names)}");
            return default;
        },
    };
}
