using System.CommandLine;
using System.CommandLine.Parsing;
using Kubetrace.Bench;
using Kubetrace.Kubernetes.Simulation;

namespace Kubetrace.Cli;

/// <summary>
/// <c>kubetrace simulate</c>: sends a simulated Kubernetes control plane's traces (apiserver, etcd, kubelets,
/// containerd, traced clients) over OTLP, in real time or as a backfill of the last hour, with planted problems,
/// and prints what it planted.
/// </summary>
public static class SimulateCommand
{
    public static Command Create()
    {
        var endpoint = new Option<string?>("--endpoint")
        {
            Description = "OTLP endpoint, host:port or URL [default: http://127.0.0.1:4317 for grpc, http://127.0.0.1:4318 for http]",
        };
        var protocol = new Option<BenchProtocol>("--protocol")
        {
            Description = "Protocol: grpc (OTLP/gRPC) or http (OTLP/HTTP protobuf) [default: grpc]", HelpName = "grpc|http",
            CustomParser = BenchCommand.ParseProtocol,
        };
        var version = new Option<KubernetesVersion>("--kubernetes-version")
        {
            Description = "The components' Kubernetes version: span names and conventions follow it (1.27 and later)",
            HelpName = "1.xx", DefaultValueFactory = _ => new KubernetesVersion(1, 34),
            CustomParser = r => Parse(r, "1.34", (string t, out KubernetesVersion v) => KubernetesVersion.TryParse(t, out v), "is not a version such as 1.34"),
        };
        var containerd = new Option<ContainerdVersion?>("--containerd-version")
        {
            Description = "The containerd release: 1.6.x, 1.7.x or 2.x; a bare 1.6 / 1.7 means 1.6.20 / 1.7.20 " +
                "[default: 1.6.20 with Kubernetes 1.27, 1.7.20 through 1.35, 2.1.0 from 1.36]", HelpName = "1.6|1.7|1.7.16|2.1",
            CustomParser = r => ContainerdVersion.TryParse(r.Tokens[0].Value, out var v)
                ? v : Error<ContainerdVersion?>(r, $"--containerd-version: '{r.Tokens[0].Value}' is not a containerd release 1.6.x, 1.7.x or 2.x"),
        };
        var etcdVersion = new Option<EtcdVersion?>("--etcd-version")
        {
            Description = "The etcd release: 3.5, 3.6 or 3.7, with a patch where tracing changes (3.5.0-3.5.4 sample roots always, 3.5.5-3.5.10 never, 3.5.11+ by rate; 3.7 adds its request spans) [default: the etcd the apiserver's go.mod pins, e.g. 3.5.7 for 1.27, 3.6.4 for 1.34]", HelpName = "3.x[.y]",
            CustomParser = r => EtcdVersions.TryParse(r.Tokens[0].Value, out var v) ? v : Error<EtcdVersion?>(r, $"--etcd-version: '{r.Tokens[0].Value}' is not an etcd 3.5, 3.6 or 3.7 release (3.6, 3.5.3, 3.5.11)"),
        };
        var kms = new Option<bool>("--kms-encryption") { Description = "Secrets are encrypted at rest with KMS v2 (envelope transformer spans on their storage calls)" };
        var watchCacheSizes = new Option<string[]>("--watch-cache-sizes")
        {
            Description = "The kube-apiserver's --watch-cache-sizes, comma-separated resource[.group]#size: size 0 turns that resource's watch cache off " +
                "(secrets#0: their reads go to etcd and decrypt inside each request; kms-slow sets it) [default: every resource but events has one]",
            HelpName = "resource#0,...",
            CustomParser = r => r.Tokens.SelectMany(t => t.Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToArray(),
        };
        var sampling = BenchCommand.IntOption("--sampling-rate-per-million", "The samplingRatePerMillion of the apiserver, kubelets and etcd (ParentBased)", 1_000_000);
        var containerdSampling = new Option<int?>("--containerd-sampling-rate-per-million") { Description = "The samplingRatePerMillion of containerd, its own [default: the same]" };
        var rate = new Option<double>("--rate") { Description = "Requests per second to the kube-apiserver", DefaultValueFactory = _ => 50 };
        var duration = BenchCommand.DurationOption("--duration", "Real time: how long to send", "30s");
        var backfill = new Option<TimeSpan?>("--backfill")
        {
            Description = "Instead of real time: generate this much past traffic ending now (e.g. 1h), sent as fast as the backend accepts",
            HelpName = "duration",
            CustomParser = r => Parse(r, "", (string t, out TimeSpan v) => Config.GoDuration.TryParseWithDays(t, out v), "is not a duration"),
        };
        var start = new Option<DateTimeOffset?>("--start") { Description = "The window's start (RFC 3339) instead of now: the same seed and start give the same spans" };
        var nodes = BenchCommand.IntOption("--nodes", "Worker nodes (a kubelet and a containerd each)", 3);
        var namespaces = BenchCommand.IntOption("--namespaces", "Namespaces the workloads run in", 4);
        var seed = new Option<ulong>("--seed") { Description = "Seed: the same seed, options, start and run id give the same output", DefaultValueFactory = _ => 1 };
        var runId = new Option<ulong?>("--run-id")
        {
            Description = "The run identity that, with the seed and start, keys the trace IDs [default: 0 with --start, else random: runs never share trace IDs]",
            HelpName = "number",
        };
        var scenario = new Option<SimulationScenario>("--scenario")
        {
            // No default factory: help would print the enum's name (Healthy); absent means Healthy, the enum's zero.
            Description = $"What to plant, comma-separated: {string.Join(", ", SimulationScenarios.AllNames)} [default: healthy]",
            HelpName = "list",
            CustomParser = r => SimulationScenarios.TryParse(r.Tokens[0].Value, out var s, out var error) ? s : Error<SimulationScenario>(r, "--scenario: " + error),
        };
        var webhookLatency = BenchCommand.DurationOption("--webhook-latency", "Latency the slow webhook adds (slow-webhook)", "300ms");
        var etcdLatency = BenchCommand.DurationOption("--etcd-latency", "Latency added to the slow resource's etcd operations (etcd-slow)", "200ms");
        var extensionLatency = BenchCommand.DurationOption("--extension-latency", "Latency the metrics.k8s.io extension API server adds to each request (slow-extension-apiserver)", "400ms");
        var pullTime = BenchCommand.DurationOption("--image-pull-time", "Pull time of the slow image (image-pull-slow)", "20s");
        var apfWait = BenchCommand.DurationOption("--apf-queue-wait", "Queue wait of the throttled flow (apf-throttling)", "500ms");
        var kmsLatency = BenchCommand.DurationOption("--kms-latency", "The KMS plugin's time to decrypt a DEK, which a traced read of a secret waits for when its DEK is not cached", "200ms");
        var concurrency = BenchCommand.IntOption("--concurrency", "Exports in flight", 4);
        var timeout = BenchCommand.DurationOption("--timeout", "Timeout of each export", "10s");
        var json = new Option<bool>("--json") { Description = "Print the report as JSON" };
        var reportJson = new Option<string?>("--report-json") { Description = "Also write the report as JSON to this file", HelpName = "file" };
        var progressEvery = BenchCommand.DurationOption("--progress-interval",
            "When output is not a terminal: how often to print a progress line (a terminal shows a live bar)", "10s");

        var command = new Command("simulate", "Send a simulated Kubernetes control plane's traces over OTLP, with planted problems, and report what was planted")
        {
            endpoint, protocol, version, containerd, etcdVersion, kms, watchCacheSizes, sampling, containerdSampling, rate, duration, backfill, start, nodes, namespaces, seed, runId,
            scenario, webhookLatency, etcdLatency, pullTime, apfWait, kmsLatency, extensionLatency, concurrency, timeout, json, reportJson, progressEvery,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            var chosenProtocol = parse.GetValue(protocol);
            var written = parse.GetValue(endpoint) ?? (chosenProtocol == BenchProtocol.Grpc ? "http://127.0.0.1:4317" : "http://127.0.0.1:4318");
            if (!BenchEndpoint.TryParseUrl(written, out var url, out var endpointError))
                return await FailAsync(error, endpointError);
            var window = parse.GetValue(backfill) ?? parse.GetValue(duration);
            var now = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds());
            var options = new SimulationOptions
            {
                KubernetesVersion = parse.GetValue(version),
                Containerd = parse.GetValue(containerd),
                Etcd = parse.GetValue(etcdVersion),
                KmsEncryption = parse.GetValue(kms),
                WatchCacheSizes = parse.GetValue(watchCacheSizes) ?? [],
                SamplingRatePerMillion = parse.GetValue(sampling),
                ContainerdSamplingRatePerMillion = parse.GetValue(containerdSampling),
                RequestsPerSecond = parse.GetValue(rate),
                Duration = window,
                Start = parse.GetValue(start) ?? (parse.GetValue(backfill) is null ? now : now - window),
                Nodes = parse.GetValue(nodes),
                Namespaces = parse.GetValue(namespaces),
                Seed = parse.GetValue(seed),
                // Reproducible when the start is given; otherwise fresh, so a run beside another (the demo's) merges nothing.
                RunId = parse.GetValue(runId) ?? (parse.GetValue(start) is null ? (ulong)Random.Shared.NextInt64() : 0),
                Scenarios = parse.GetValue(scenario),
                WebhookAddedLatency = parse.GetValue(webhookLatency),
                EtcdAddedLatency = parse.GetValue(etcdLatency),
                SlowImagePullTime = parse.GetValue(pullTime),
                ApfQueueWait = parse.GetValue(apfWait),
                KmsAddedLatency = parse.GetValue(kmsLatency),
                ExtensionAddedLatency = parse.GetValue(extensionLatency),
            };
            var problems = options.Validate().ToList();
            if (parse.GetValue(concurrency) < 1) problems.Add("--concurrency must be at least 1");
            if (parse.GetValue(progressEvery).Value <= TimeSpan.Zero) problems.Add("--progress-interval must be more than 0");
            if (problems.Count > 0) return await FailAsync(error, string.Join(Environment.NewLine, problems));

            var simulator = new ClusterSimulator(options);
            var progress = new SimulationSendProgress();
            var sendOptions = new SimulationSendOptions
            {
                Progress = progress,
                Endpoint = url, Protocol = chosenProtocol, Concurrency = parse.GetValue(concurrency), Timeout = parse.GetValue(timeout),
                // A window that starts in the past (backfill, or --start) has nothing to wait for.
                RealTime = options.Start + window > now && parse.GetValue(backfill) is null,
            };
            var sent = await LiveProgress.RunAsync("simulate", () => SimulationProgress.Reading(progress, simulator),
                SimulationSender.SendAsync(simulator, sendOptions, cancellationToken), error, LiveProgress.Interactive, parse.GetValue(progressEvery));
            var report = simulator.Report;
            if (parse.GetValue(reportJson) is { } path)
                await File.WriteAllTextAsync(path, report.ToJson() + Environment.NewLine, CancellationToken.None);
            if (parse.GetValue(json))
                await output.WriteLineAsync(report.ToJson());
            else
                SimulationSummary.Write(output, report, sent, sendOptions.TargetUri, TerminalWidth(output));
            return sent.Batches > 0 && sent.FailedBatches == 0 ? ExitCodes.Ok : ExitCodes.Failure;
        });
        return command;
    }

    private delegate bool TryParser<T>(string text, out T value);

    private static T Parse<T>(ArgumentResult result, string fallback, TryParser<T> parser, string problem)
    {
        var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : fallback;
        return parser(text, out var value) ? value : Error<T>(result, $"'{text}' {problem}");
    }

    private static T Error<T>(ArgumentResult result, string message)
    {
        result.AddError(message);
        return default!;
    }

    private static async Task<int> FailAsync(TextWriter error, string message)
    {
        await error.WriteLineAsync($"kubetrace simulate: {message}");
        return ExitCodes.Usage;
    }

    /// <summary>The terminal's columns when writing to it, else no limit (a file or pipe gets whole lines).</summary>
    private static int TerminalWidth(TextWriter output) =>
        ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected && Console.WindowWidth > 0 ? Console.WindowWidth : int.MaxValue;
}
