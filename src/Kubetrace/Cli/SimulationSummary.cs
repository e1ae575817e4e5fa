using System.Globalization;
using Kubetrace.Cli.Layout;
using Kubetrace.Kubernetes.Simulation;

namespace Kubetrace.Cli;

/// <summary>The report of <c>kubetrace simulate</c> as a person reads it: what ran, what was planted, what was sent.</summary>
internal static class SimulationSummary
{
    /// <summary>Writes the report, each statement broken between words to fit <paramref name="width"/> columns.</summary>
    public static void Write(TextWriter output, SimulationReport report, SimulationSendResult sent, Uri target, int width = int.MaxValue)
    {
        var wrapped = new WrappingWriter(output, width);
        Write(wrapped, report, sent, target);
    }

    private static void Write(WrappingWriter output, SimulationReport report, SimulationSendResult sent, Uri target)
    {
        output.WriteLine($"Simulated Kubernetes {report.KubernetesVersion} (containerd {report.ContainerdVersion}, etcd {report.EtcdVersion}" +
                         $"{(report.KmsEncryption ? ", secrets encrypted with KMS v2" : "")}" +
                         $"{(report.WatchCacheSizes.Count > 0 ? ", --watch-cache-sizes=" + string.Join(',', report.WatchCacheSizes) : "")}), seed {report.Seed}, run {report.RunId}, " +
                         $"scenarios: {string.Join(", ", report.Scenarios)}");
        output.WriteLine($"Window {report.Start:yyyy-MM-ddTHH:mm:ssZ} .. {report.End:yyyy-MM-ddTHH:mm:ssZ}, {N(report.RequestsPerSecond)} apiserver requests/s, " +
                         $"{report.Nodes} nodes, {report.Namespaces} namespaces, sampling {report.SamplingRatePerMillion} per million");
        output.WriteLine($"Apiserver requests {N(report.ApiserverRequests)} ({N(report.SampledApiserverRequests)} sampled; {N(report.Watches)} watches, " +
                         $"{N(report.ReadsFromCache)} reads from the watch cache), pod starts {N(report.PodStarts)}, " +
                         $"spans {N(report.Spans)}, traces {N(report.Traces)}, OTLP exports {N(report.Batches)}");
        output.WriteLine($"Sent to {target} in {sent.Elapsed.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)}s: {N(sent.Spans)} spans accepted, " +
                         $"{N(sent.RejectedSpans)} rejected, {N(sent.FailedBatches)} exports failed{(sent.FirstError is null ? "" : $" (first: {sent.FirstError})")}");
        if (report.SlowWebhook is { } slow)
            output.WriteLine($"Planted slow-webhook: {slow.Type} {slow.Configuration}/{slow.Webhook} adds {Ms(slow.AddedLatency)}; " +
                             $"{N(slow.TimedOutCalls)} of {N(slow.Calls)} calls timed out at {Ms(slow.Timeout)}");
        if (report.FailingWebhook is { } failing)
            output.WriteLine($"Planted failing-webhook: {failing.Type} {failing.Configuration}/{failing.Webhook} (failurePolicy {failing.FailurePolicy}) " +
                             $"failed {N(failing.FailedCalls)} of {N(failing.Calls)} calls with HTTP 500");
        if (report.SlowEtcd is { } etcd)
            output.WriteLine($"Planted etcd-slow: {etcd.GroupResource} (keys {etcd.KeyPrefix}) +{Ms(etcd.AddedLatency)} on {N(etcd.Operations)} etcd operations");
        if (report.SlowImage is { } image)
            output.WriteLine($"Planted image-pull-slow: {image.Image} pulls take {Ms(image.PullTime)} ({N(image.Pulls)} pulls; others up to {Ms(image.UsualPullTimeMax)})");
        if (report.ThrottledFlow is { } flow)
            output.WriteLine($"Planted apf-throttling: {flow.User} ({flow.FlowSchema} → {flow.PriorityLevel}) waits {Ms(flow.QueueWait)}; " +
                             $"{N(flow.Rejected)} of {N(flow.Requests)} requests rejected with 429");
        if (report.SlowKms is { } kms)
            output.WriteLine($"Planted kms-slow: {kms.Provider} takes {Ms(kms.AddedLatency)} to decrypt a DEK, which the apiserver asks only " +
                             $"on a DEK cache miss; with --watch-cache-sizes={kms.WatchCacheSize} {kms.Resource} are read from etcd inside each request, " +
                             $"so the first read of each DEK since the apiserver started waits: {N(kms.DekDecryptions)} DEK decryptions " +
                             $"in {N(kms.Requests)} requests. With the watch cache on (the default) its untraced start-up list caches every DEK " +
                             "first and no traced request waits until an entry expires after 24 h");
    }

    /// <summary>Each WriteLine a statement, wrapped.</summary>
    private sealed class WrappingWriter(TextWriter output, int width)
    {
        public void WriteLine(string text) => WrappedLines.WriteLine(output, text, width);
    }

    private static string N(double value) => value.ToString("#,0.##", CultureInfo.InvariantCulture);

    /// <summary>As every command writes a duration (300ms, 3s, 20s, 2.5s), not 3,000ms.</summary>
    private static string Ms(TimeSpan value) => Query.HumanText.Duration(value.Ticks * 100);
}
