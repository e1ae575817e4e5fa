using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Kubetrace.Cli.Query;
using Kubetrace.Kubernetes.TracingConfig;
using Kubetrace.Cli.Layout;
using Kubetrace.Cli.Output;

namespace Kubetrace.Cli.K8s;

/// <summary>
/// <c>kubetrace k8s estimate</c>: spans per second and storage for tracing the apiserver (and the etcd spans under
/// its sampled requests) at a request rate and sampling rate, from the store's measured bytes per span.
/// </summary>
public static class EstimateCommand
{
    public static Command Create()
    {
        var requests = new Option<double>("--requests-per-second")
        {
            Description = "Requests per second to the apiserver (apiserver_request_total rate)",
            HelpName = "R",
            Required = true,
            Validators = { result => { if (result.GetValueOrDefault<double>() is < 0 or double.NaN) result.AddError("--requests-per-second must not be negative"); } },
        };
        var rate = K8sOptions.SamplingRateOption("The apiserver's samplingRatePerMillion [default: 100]");
        var retention = new Option<TimeSpan?>("--retention")
        {
            Description = "How long spans are kept, e.g. 7d, 2w, 36h [default: 7d]",
            HelpName = "period",
            CustomParser = result =>
            {
                var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
                if (RetentionText.TryParse(text, out var value)) return value;
                result.AddError($"--retention: \"{text}\" is not a period such as 7d, 2w or 36h");
                return null;
            },
        };
        var spans = new Option<double?>("--spans-per-request")
        {
            Description = "Spans the apiserver writes per sampled request [default: 10 from Kubernetes 1.34 (filter spans), 6 before]",
            HelpName = "S",
        };
        var etcdSpans = new Option<double>("--etcd-spans-per-request")
        {
            Description = "Spans the etcd server writes per sampled request",
            HelpName = "E",
            DefaultValueFactory = _ => TracingVolumeInput.DefaultEtcdSpansPerRequest,
        };
        var bytes = new Option<double>("--bytes-per-span")
        {
            Description = "Stored bytes per span (the default is the store's measured size, docs/storage.md)",
            HelpName = "B",
            DefaultValueFactory = _ => StoredSpanSize.MeasuredBytesPerSpan,
        };
        var kubernetes = K8sOptions.KubernetesVersionOption("Kubernetes release, for the default spans per request", withDefault: true);
        var output = QueryOptions.Output("the estimate");

        var command = new Command("estimate", "Estimate spans/s and storage for tracing the apiserver at a sampling rate")
        {
            requests, rate, retention, spans, etcdSpans, bytes, kubernetes,
        };
        output.AddTo(command);
        command.SetAction(async parse =>
        {
            if (Problem(parse.GetValue(spans), parse.GetValue(etcdSpans), parse.GetValue(bytes)) is { } problem)
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync($"kubetrace k8s estimate: {problem}");
                return ExitCodes.Usage;
            }
            var version = parse.GetValue(kubernetes) ?? KubernetesTracingReleases.Default;
            var input = new TracingVolumeInput(
                parse.GetValue(requests),
                parse.GetValue(rate) ?? TracedComponents.DefaultSamplingRatePerMillion(TracedComponent.ApiServer),
                parse.GetValue(retention) ?? DefaultRetention,
                parse.GetValue(spans) ?? TracingVolumeInput.DefaultApiServerSpansPerRequest(version),
                parse.GetValue(etcdSpans),
                parse.GetValue(bytes));
            var estimate = TracingVolumeEstimate.Of(input);
            if (output.Format(parse) is var format && format.IsData())
                await DataOutput.WriteAsync(parse.InvocationConfiguration.Output, format, ToJson(estimate));
            else
                Table(estimate).Write(QueryConsole.Create(parse.InvocationConfiguration, output.ResolveWidth(parse)));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static readonly TimeSpan DefaultRetention = TimeSpan.FromDays(7);

    private static string? Problem(double? spans, double etcdSpans, double bytes) =>
        spans is < 0 ? "--spans-per-request must not be negative"
        : etcdSpans < 0 ? "--etcd-spans-per-request must not be negative"
        : bytes <= 0 ? "--bytes-per-span must be positive"
        : null;

    /// <summary>
    /// One figure a line, laid out as every CLI table is (<see cref="FittedTable"/>): on a narrow terminal what the
    /// figure is made of is cut, then left out (Spectre's table wrapped it onto lines of their own); the figure never.
    /// </summary>
    private static FittedTable Table(TracingVolumeEstimate estimate)
    {
        var input = estimate.Input;
        var table = new FittedTable([
            new FittedColumn("MEASURE", FittedKind.Name), new FittedColumn("VALUE", RightAligned: true), new FittedColumn("FROM", FittedKind.Name, DropRank: 1),
        ]) { ShowHeaders = false };
        table.AddRow("Sampled apiserver requests", PerSecond(estimate.SampledRequestsPerSecond),
            $"{SamplingRate.Fraction(input.SamplingRatePerMillion)} of {Number(input.RequestsPerSecond)} requests/s");
        table.AddRow("apiserver spans", PerSecond(estimate.ApiServerSpansPerSecond), $"{Number(input.ApiServerSpansPerRequest)} per sampled request");
        table.AddRow("etcd spans", PerSecond(estimate.EtcdSpansPerSecond), $"{Number(input.EtcdSpansPerRequest)} per sampled request (ParentBased)");
        table.AddRow("Spans", PerSecond(estimate.SpansPerSecond), $"{Number(estimate.SpansPerDay)} per day");
        table.AddRow("Stored per day", HumanText.Bytes((long)Math.Round(estimate.BytesPerDay)), $"{Number(input.BytesPerSpan)} B/span");
        table.AddRow($"Stored for {RetentionText.Format(input.Retention)}", HumanText.Bytes((long)Math.Round(estimate.BytesForRetention)), "");
        return table;
    }

    private static string PerSecond(double value) => Number(value) + "/s";

    private static string Number(double value) =>
        value >= 100 ? value.ToString("N0", CultureInfo.InvariantCulture)
        : value >= 1 ? value.ToString("0.##", CultureInfo.InvariantCulture)
        : value.ToString("0.####", CultureInfo.InvariantCulture);

    internal static string ToJson(TracingVolumeEstimate estimate)
    {
        var input = estimate.Input;
        return JsonSerializer.Serialize(new
        {
            requestsPerSecond = input.RequestsPerSecond,
            samplingRatePerMillion = input.SamplingRatePerMillion,
            retentionSeconds = input.Retention.TotalSeconds,
            apiServerSpansPerRequest = input.ApiServerSpansPerRequest,
            etcdSpansPerRequest = input.EtcdSpansPerRequest,
            bytesPerSpan = input.BytesPerSpan,
            sampledRequestsPerSecond = estimate.SampledRequestsPerSecond,
            apiServerSpansPerSecond = estimate.ApiServerSpansPerSecond,
            etcdSpansPerSecond = estimate.EtcdSpansPerSecond,
            spansPerSecond = estimate.SpansPerSecond,
            spansPerDay = estimate.SpansPerDay,
            bytesPerDay = estimate.BytesPerDay,
            bytesForRetention = estimate.BytesForRetention,
        });
    }
}
