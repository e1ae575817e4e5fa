using System.Buffers;
using System.Text;
using Google.Protobuf;
using Kubetrace.Otlp.Json;
using Kubetrace.Otlp.Proto.Collector;
using Kubetrace.Otlp.Proto.Common;
using Kubetrace.Otlp.Proto.Resource;
using Kubetrace.Otlp.Proto.Trace;
using Kubetrace.Storage;
using Kubetrace.Storage.Scan;
using SpanKind = Kubetrace.Otlp.Proto.Trace.Span.Types.SpanKind;

namespace Kubetrace.Tests.TestSupport;

/// <summary>
/// One trace built fluently, as components send it (OTLP, one resource per service): spans added with their
/// service, kind, parent and times in milliseconds after an origin get span ids in order. Analyses read it through
/// the real flattening (<see cref="TraceObjectScan.Fill"/>), and the API tests post the same spans as OTLP JSON.
/// Single spans and requests with numbered ids are built with <see cref="Spans"/>.
/// </summary>
internal sealed class TraceBuilder
{
    private static ulong _nextTrace = 0x1000;
    private readonly List<(string Service, Span Span)> _spans = [];
    private ulong _nextSpan = 1;

    public TraceBuilder(DateTimeOffset? origin = null)
    {
        Origin = origin ?? new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
        TraceId = new TraceId(((UInt128)(ulong)Random.Shared.NextInt64(1, long.MaxValue) << 64) | Interlocked.Increment(ref _nextTrace));
    }

    public DateTimeOffset Origin { get; }

    public TraceId TraceId { get; }

    /// <summary>Adds a span from <paramref name="fromMs"/> to <paramref name="toMs"/>; attributes as key, value pairs (<see cref="Spans.Value"/>).</summary>
    public Span Add(string service, string name, SpanKind kind, Span? parent, double fromMs, double toMs, params (string Key, object Value)[] attributes)
    {
        var origin = Origin.ToUnixTimeMilliseconds() * 1_000_000L;
        var span = new Span
        {
            TraceId = ByteString.CopyFrom(TraceId.ToBytes()),
            SpanId = ByteString.CopyFrom(BitConverter.GetBytes(_nextSpan++).Reverse().ToArray()),
            ParentSpanId = parent?.SpanId ?? ByteString.Empty,
            Name = name,
            Kind = kind,
            StartTimeUnixNano = (ulong)(origin + (long)Math.Round(fromMs * 1e6)),
            EndTimeUnixNano = (ulong)(origin + (long)Math.Round(toMs * 1e6)),
        };
        span.Attributes.AddRange(attributes.Select(a => Spans.Attr(a.Key, a.Value)));
        _spans.Add((service, span));
        return span;
    }

    /// <summary>Every span so far carries <paramref name="traceState"/> (as a ParentBased sampler propagates its root's).</summary>
    public TraceBuilder WithTraceState(string traceState)
    {
        foreach (var (_, span) in _spans) span.TraceState = traceState;
        return this;
    }

    public Span Internal(string name, Span parent, double fromMs, double toMs, params (string Key, object Value)[] attributes) =>
        Add("apiserver", name, SpanKind.Internal, parent, fromMs, toMs, attributes);

    public static Span Fail(Span span, string message = "")
    {
        span.Status = new Status { Code = Status.Types.StatusCode.Error, Message = message };
        return span;
    }

    public IReadOnlyList<ResourceSpans> ResourceSpans() =>
        _spans.GroupBy(s => s.Service).Select(group => Spans.Resource(group.Key, group.Select(s => s.Span).ToArray())).ToList();

    /// <summary>The trace as a scan hands it to an analysis asking <paramref name="request"/>.</summary>
    public ScannedTrace Scanned(SpanScanRequest request)
    {
        var trace = new ScannedTrace();
        TraceObjectScan.Fill(trace, TraceId, ResourceSpans(), request);
        return trace;
    }

    /// <summary>Several traces as one OTLP/JSON export request.</summary>
    public static string OtlpJson(IEnumerable<TraceBuilder> traces)
    {
        var request = new ExportTraceServiceRequest();
        foreach (var trace in traces) request.ResourceSpans.AddRange(trace.ResourceSpans());
        var buffer = new ArrayBufferWriter<byte>();
        Kubetrace.Otlp.Json.OtlpJson.WriteTo(buffer, request);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
