using Google.Protobuf;
using Kubetrace.Kubernetes.Simulation;
using Kubetrace.Otlp.Proto.Collector;
using Kubetrace.Otlp.Proto.Trace;

namespace Kubetrace.Tests.Kubernetes.Simulation;

/// <summary>One emitted span with the resource and scope it was exported under.</summary>
internal sealed record EmittedSpan(string Service, string? HostName, string Scope, Span Span)
{
    public string Name => Span.Name;

    public Span.Types.SpanKind Kind => Span.Kind;

    public string TraceId => Span.TraceId.ToBase64();

    public string SpanId => Span.SpanId.ToBase64();

    public string ParentId => Span.ParentSpanId.ToBase64();

    public double Milliseconds => (Span.EndTimeUnixNano - Span.StartTimeUnixNano) / 1e6;

    public bool IsError => Span.Status?.Code == Status.Types.StatusCode.Error;

    public string? Attr(string key) => Span.Attributes.FirstOrDefault(a => a.Key == key)?.Value switch
    {
        null => null,
        { ValueCase: Kubetrace.Otlp.Proto.Common.AnyValue.ValueOneofCase.IntValue } v => v.IntValue.ToString(System.Globalization.CultureInfo.InvariantCulture),
        var v => v.StringValue,
    };

    public IEnumerable<string> AttributeKeys => Span.Attributes.Select(a => a.Key);
}

/// <summary>
/// The spans of some export requests, flattened, each with the resource and scope it came under, and found by id:
/// a simulation's output (<see cref="SimulatedSpans"/>) or an upstream-shaped corpus file, read alike.
/// </summary>
internal class ExportedSpans
{
    public ExportedSpans(IEnumerable<ExportTraceServiceRequest> requests)
    {
        Spans = requests.SelectMany(request => request.ResourceSpans.SelectMany(r => r.ScopeSpans.SelectMany(s => s.Spans.Select(span =>
            new EmittedSpan(
                r.Resource.Attributes.First(a => a.Key == "service.name").Value.StringValue,
                r.Resource.Attributes.FirstOrDefault(a => a.Key == "host.name")?.Value.StringValue,
                s.Scope?.Name ?? "", span))))).ToList();
        ById = Spans.ToDictionary(s => s.TraceId + s.SpanId);
    }

    public IReadOnlyList<EmittedSpan> Spans { get; }

    private Dictionary<string, EmittedSpan> ById { get; }

    public EmittedSpan? Parent(EmittedSpan span) =>
        span.Span.ParentSpanId.IsEmpty ? null : ById.GetValueOrDefault(span.TraceId + span.ParentId);

    /// <summary>The server span of the request <paramref name="span"/> ran in: its nearest server-kind ancestor (itself if it is one).</summary>
    public EmittedSpan Request(EmittedSpan span)
    {
        var request = span;
        while (request.Kind != Span.Types.SpanKind.Server) request = Parent(request)!;
        return request;
    }

    public EmittedSpan? Find(ByteString traceId, ByteString spanId) => ById.GetValueOrDefault(traceId.ToBase64() + spanId.ToBase64());

    public IEnumerable<EmittedSpan> Of(string service) => Spans.Where(s => s.Service == service);
}

/// <summary>Runs a simulation in-process and keeps everything it exported, flattened, with its report.</summary>
internal sealed class SimulatedSpans : ExportedSpans
{
    public static readonly DateTimeOffset Start = new(2026, 3, 2, 10, 0, 0, TimeSpan.Zero);

    private SimulatedSpans(IReadOnlyList<SimulatedBatch> batches, SimulationReport report) : base(batches.Select(b => b.Request))
    {
        Batches = batches;
        Report = report;
    }

    public IReadOnlyList<SimulatedBatch> Batches { get; }

    public SimulationReport Report { get; }

    public static SimulatedSpans Run(SimulationOptions options)
    {
        var simulator = new ClusterSimulator(options.Start is null ? options with { Start = Start } : options);
        var batches = simulator.Batches().ToList();
        return new SimulatedSpans(batches, simulator.Report);
    }
}
