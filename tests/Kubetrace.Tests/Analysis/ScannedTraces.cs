using Kubetrace.Storage;
using Kubetrace.Storage.Scan;

namespace Kubetrace.Tests.Analysis;

/// <summary>
/// Hand-built traces as a scan delivers them, with times in milliseconds from a fixed origin so expected
/// critical paths and differences can be written as plain numbers.
/// </summary>
internal sealed class ScannedTraces(int traceNumber = 1)
{
    public const long Origin = 1_700_000_000_000_000_000;

    private readonly ScannedTrace _trace = new() { TraceId = new TraceId((UInt128)traceNumber) };

    public static long Ms(double ms) => (long)(ms * 1_000_000);

    /// <summary>Adds a span; <paramref name="values"/> are the scan's attribute values (e.g. the host).</summary>
    public ScannedTraces Span(ulong id, ulong parent, string service, string name, double startMs, double endMs,
        params string?[] values)
    {
        _trace.Spans.Add(new ScannedSpan
        {
            SpanId = id, ParentSpanId = parent, Service = service, Name = name,
            StartUnixNano = Origin + Ms(startMs), EndUnixNano = Origin + Ms(endMs), Values = values,
        });
        return this;
    }

    public ScannedTrace Build() => _trace;
}
