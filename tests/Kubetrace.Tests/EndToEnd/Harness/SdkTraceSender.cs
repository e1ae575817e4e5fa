using System.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Kubetrace.Tests.EndToEnd.Harness;

/// <summary>
/// An application instrumented with the OpenTelemetry .NET SDK, sending through the SDK's own OTLP exporter
/// (<see cref="OtlpTraceExporter"/>, gRPC or HTTP/protobuf). Each trace is exported as one batch when its root
/// ends, and the exporter's <see cref="ExportResult"/> says whether the receiver acknowledged it: the SDK's
/// export processors drop that result, so this processor keeps it.
/// </summary>
internal sealed class SdkTraceSender : ITraceSender
{
    private readonly string _service;
    private readonly ActivitySource _source;
    private readonly TracerProvider _provider;
    private readonly TraceExportProcessor _processor;

    private SdkTraceSender(string service, OtlpExportProtocol protocol, Uri endpoint)
    {
        _service = service;
        _source = new ActivitySource($"kubetrace.tests.sdk.{Guid.NewGuid():N}"); // one per sender: its provider sees only its spans
        var exporter = new OtlpTraceExporter(new OtlpExporterOptions { Protocol = protocol, Endpoint = endpoint });
        _processor = new TraceExportProcessor(exporter);
        Transport = protocol == OtlpExportProtocol.Grpc ? "grpc" : "http";
        _provider = Sdk.CreateTracerProviderBuilder()
            .AddSource(_source.Name)
            .SetSampler(new AlwaysOnSampler())
            .ConfigureResource(r => r.Clear().AddService(service, autoGenerateServiceInstanceId: false))
            .AddProcessor(_processor)
            .Build()!;
    }

    /// <param name="endpoint">gRPC: the server's base URL; HTTP: the full <c>/v1/traces</c> URL (the SDK takes it as given).</param>
    public static SdkTraceSender Create(string service, OtlpExportProtocol protocol, Uri endpoint) => new(service, protocol, endpoint);

    public string Transport { get; }

    public Task<(SentTraceIds? Acknowledged, string? Failure)> SendTraceAsync(string service, int spans)
    {
        if (service != _service) throw new ArgumentException($"this sender's resource is service \"{_service}\", not \"{service}\"", nameof(service));
        return Task.Run(() => SendTrace(spans)); // the SDK's exporter blocks its caller
    }

    private (SentTraceIds?, string?) SendTrace(int spanCount)
    {
        var spanIds = new List<string>(spanCount);
        string traceId;
        using (var root = _source.StartActivity("GET /api/v1/pods", ActivityKind.Server, new ActivityContext())!)
        {
            traceId = root.TraceId.ToHexString();
            spanIds.Add(root.SpanId.ToHexString());
            for (var i = 1; i < spanCount; i++)
            {
                using var child = _source.StartActivity($"etcd get {i}", ActivityKind.Client, root.Context)!;
                spanIds.Add(child.SpanId.ToHexString());
            }
        }
        var result = _processor.ExportEnded();
        return result == ExportResult.Success ? (new SentTraceIds(traceId, spanIds), null) : (null, $"the SDK's exporter answered {result}");
    }

    public void Dispose()
    {
        _provider.Dispose();
        _source.Dispose();
    }

    /// <summary>Gathers the ended spans of the current trace and exports them as one batch on request.</summary>
    private sealed class TraceExportProcessor(BaseExporter<Activity> exporter) : BaseExportProcessor<Activity>(exporter)
    {
        private readonly List<Activity> _ended = [];

        protected override void OnExport(Activity data) => _ended.Add(data);

        public ExportResult ExportEnded()
        {
            using var batch = new Batch<Activity>(_ended.ToArray(), _ended.Count);
            _ended.Clear();
            return exporter.Export(batch);
        }
    }
}
