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

namespace Kubetrace.Tests.Kubernetes.Analyses;

/// <summary>
/// Hand-built traces as components send them (OTLP, one resource per service), with times in milliseconds
/// after an origin. Analyses read them through the real flattening (<see cref="TraceObjectScan.Fill"/>), and
/// the API tests post the same spans as OTLP JSON.
/// </summary>
internal sealed class K8sTraceBuilder
{
    private static ulong _nextTrace = 0x1000;
    private readonly List<(string Service, Span Span)> _spans = [];
    private ulong _nextSpan = 1;

    public K8sTraceBuilder(DateTimeOffset? origin = null)
    {
        Origin = origin ?? new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
        TraceId = new TraceId(((UInt128)(ulong)Random.Shared.NextInt64(1, long.MaxValue) << 64) | Interlocked.Increment(ref _nextTrace));
    }

    public DateTimeOffset Origin { get; }

    public TraceId TraceId { get; }

    /// <summary>Adds a span from <paramref name="fromMs"/> to <paramref name="toMs"/>; attributes as key, value pairs (long values become ints).</summary>
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
        foreach (var (key, value) in attributes)
            span.Attributes.Add(new KeyValue
            {
                Key = key,
                Value = value switch
                {
                    int or long => new AnyValue { IntValue = Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture) },
                    _ => new AnyValue { StringValue = value.ToString() },
                },
            });
        _spans.Add((service, span));
        return span;
    }

    /// <summary>Every span so far carries <paramref name="traceState"/> (as a ParentBased sampler propagates its root's).</summary>
    public K8sTraceBuilder WithTraceState(string traceState)
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

    public IReadOnlyList<ResourceSpans> ResourceSpans() => _spans.GroupBy(s => s.Service).Select(group =>
    {
        var resource = new ResourceSpans { Resource = new Resource() };
        resource.Resource.Attributes.Add(new KeyValue { Key = "service.name", Value = new AnyValue { StringValue = group.Key } });
        var scope = new ScopeSpans { Scope = new InstrumentationScope { Name = "test" } };
        scope.Spans.AddRange(group.Select(s => s.Span));
        resource.ScopeSpans.Add(scope);
        return resource;
    }).ToList();

    /// <summary>The trace as a scan hands it to an analysis asking <paramref name="request"/>.</summary>
    public ScannedTrace Scanned(SpanScanRequest request)
    {
        var trace = new ScannedTrace();
        TraceObjectScan.Fill(trace, TraceId, ResourceSpans(), request);
        return trace;
    }

    /// <summary>Several traces as one OTLP/JSON export request.</summary>
    public static string OtlpJson(IEnumerable<K8sTraceBuilder> traces)
    {
        var request = new ExportTraceServiceRequest();
        foreach (var trace in traces) request.ResourceSpans.AddRange(trace.ResourceSpans());
        var buffer = new ArrayBufferWriter<byte>();
        Kubetrace.Otlp.Json.OtlpJson.WriteTo(buffer, request);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
