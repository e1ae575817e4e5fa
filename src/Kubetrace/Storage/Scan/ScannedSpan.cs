using Kubetrace.Otlp.Proto.Trace;

namespace Kubetrace.Storage.Scan;

/// <summary>A link from a scanned span to a span of another (or the same) trace.</summary>
public readonly record struct ScannedLink(TraceId TraceId, ulong SpanId);

/// <summary>
/// One span as an analysis sees it. Instances may be reused by the scanner once the visitor returns: copy what
/// you keep (<see cref="Clone"/>).
/// </summary>
public sealed class ScannedSpan
{
    private static readonly IReadOnlyList<ScannedLink> NoLinks = [];

    public ulong SpanId { get; set; }

    /// <summary>0 for a root span.</summary>
    public ulong ParentSpanId { get; set; }

    /// <summary>Resource attribute service.name ("" when missing).</summary>
    public string Service { get; set; } = "";

    public string Name { get; set; } = "";

    public Span.Types.SpanKind Kind { get; set; }

    public long StartUnixNano { get; set; }

    public long EndUnixNano { get; set; }

    public long DurationNanos => Math.Max(0, EndUnixNano - StartUnixNano);

    /// <summary>OTLP status code (0 unset, 1 ok, 2 error).</summary>
    public int StatusCode { get; set; }

    /// <summary>Status error; setting it sets <see cref="StatusCode"/> to error or unset.</summary>
    public bool IsError
    {
        get => StatusCode == 2;
        set => StatusCode = value ? 2 : 0;
    }

    public string? StatusMessage { get; set; }

    /// <summary>
    /// Values of the request's <see cref="SpanScanRequest.AttributeKeys"/>, by position: the span attribute, else
    /// the resource attribute of that key, as text (numbers and booleans in invariant form); null when absent.
    /// </summary>
    public string?[] Values { get; set; } = [];

    public IReadOnlyList<ScannedLink> Links { get; set; } = NoLinks;

    /// <summary>
    /// The W3C <c>tracestate</c> the span was recorded with (null when none): where an OpenTelemetry sampler writes
    /// its threshold (<c>ot=th:...</c>), which analyses scale counts by.
    /// </summary>
    public string? TraceState { get; set; }

    public bool IsRoot => ParentSpanId == 0;

    /// <summary>The value of the request's attribute key at <paramref name="keyIndex"/> (-1 gives null).</summary>
    public string? Value(int keyIndex) => keyIndex >= 0 && keyIndex < Values.Length ? Values[keyIndex] : null;

    public ScannedSpan Clone() => new()
    {
        SpanId = SpanId, ParentSpanId = ParentSpanId, Service = Service, Name = Name, Kind = Kind,
        StartUnixNano = StartUnixNano, EndUnixNano = EndUnixNano, StatusCode = StatusCode, StatusMessage = StatusMessage,
        Values = (string?[])Values.Clone(), Links = Links.Count == 0 ? NoLinks : Links.ToArray(), TraceState = TraceState,
    };
}
