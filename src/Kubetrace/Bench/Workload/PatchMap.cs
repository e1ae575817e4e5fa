namespace Kubetrace.Bench.Workload;

/// <summary>
/// Where, inside one encoded ExportTraceServiceRequest, the bytes are that make its data distinct: every trace ID,
/// span ID (own, parent, link) and timestamp. Found once by walking the wire format, so that each send can
/// rewrite them in place instead of encoding the request again.
/// </summary>
internal sealed class PatchMap
{
    private readonly List<int> _traceIds = [];
    private readonly List<int> _spanIds = [];
    private readonly List<int> _times = [];

    private PatchMap()
    {
    }

    /// <summary>Offsets of the 16-byte trace IDs (span and link).</summary>
    public IReadOnlyList<int> TraceIds => _traceIds;

    /// <summary>Offsets of the 8-byte span IDs (span, parent, link).</summary>
    public IReadOnlyList<int> SpanIds => _spanIds;

    /// <summary>Offsets of the fixed64 nanosecond timestamps (span start and end, event time).</summary>
    public IReadOnlyList<int> Times => _times;

    public int SpanCount { get; private set; }

    public static PatchMap Scan(ReadOnlySpan<byte> request)
    {
        var map = new PatchMap();
        map.ScanMessage(request, 0, Level.Request);
        return map;
    }

    /// <summary>The nesting levels of a trace request that hold IDs or times, and the field that leads down.</summary>
    private enum Level { Request, ResourceSpans, ScopeSpans, Span, Event, Link }

    private void ScanMessage(ReadOnlySpan<byte> data, int baseOffset, Level level)
    {
        var reader = new WireReader(data);
        while (reader.TryReadTag(out var field, out var wireType))
        {
            if (wireType == WireReader.LengthDelimited)
            {
                var (start, length) = reader.ReadLengthDelimited();
                var content = data.Slice(start, length);
                var offset = baseOffset + start;
                switch (level, field)
                {
                    case (Level.Request, 1): ScanMessage(content, offset, Level.ResourceSpans); break;
                    case (Level.ResourceSpans, 2 or 1000): ScanMessage(content, offset, Level.ScopeSpans); break;
                    case (Level.ScopeSpans, 2): SpanCount++; ScanMessage(content, offset, Level.Span); break;
                    case (Level.Span, 11): ScanMessage(content, offset, Level.Event); break;
                    case (Level.Span, 13): ScanMessage(content, offset, Level.Link); break;
                    case (Level.Span or Level.Link, 1) when length == 16: _traceIds.Add(offset); break;
                    case (Level.Span or Level.Link, 2) when length == 8: _spanIds.Add(offset); break;
                    case (Level.Span, 4) when length == 8: _spanIds.Add(offset); break;
                }
            }
            else
            {
                var start = reader.Skip(wireType);
                var isTime = wireType == WireReader.Fixed64 && level switch
                {
                    Level.Span => field is 7 or 8,
                    Level.Event => field == 1,
                    _ => false,
                };
                if (isTime) _times.Add(baseOffset + start);
            }
        }
    }
}
