using Kubetrace.Storage.Model;

namespace Kubetrace.Storage.Query;

/// <summary>Accumulates a <see cref="TraceSummary"/> from the parts of a trace found in the head and in blocks.</summary>
internal sealed class SummaryBuilder(TraceId traceId)
{
    private readonly SortedSet<string> _services = new(StringComparer.Ordinal);
    private ulong _start = ulong.MaxValue;
    private ulong _end;
    private int _spans;
    private int _errors;
    private string? _rootService;
    private string? _rootName;
    private ulong _earliestStart = ulong.MaxValue;
    private string? _earliestService;
    private string? _earliestName;

    public TraceId TraceId { get; } = traceId;

    public int SpanCount => _spans;

    public void AddRow(SpanTable table, int row)
    {
        var start = table.Starts.Items[row];
        var service = table.Service(row);
        AddPart(start, table.Ends.Items[row], 1, table.StatusCode(row) == 2 ? 1 : 0, [service]);
        if (table.ParentSpanIds.Items[row] == 0) SetRoot(service, table.Name(row));
        else NoteEarliest(start, service, table.Name(row));
    }

    public void AddPart(ulong start, ulong end, int spans, int errors, IEnumerable<string> services)
    {
        _start = Math.Min(_start, start);
        _end = Math.Max(_end, end);
        _spans += spans;
        _errors += errors;
        _services.UnionWith(services);
    }

    public void SetRoot(string service, string name)
    {
        _rootService = service;
        _rootName = name;
    }

    /// <summary>Remembers the earliest non-root span, shown in place of a root that has not arrived.</summary>
    public void NoteEarliest(ulong start, string service, string name)
    {
        if (start >= _earliestStart) return;
        _earliestStart = start;
        _earliestService = service;
        _earliestName = name;
    }

    public TraceSummary Build() => new(TraceId, _rootService ?? _earliestService, _rootName ?? _earliestName,
        (long)_start, (long)(_end - _start), _spans, _errors, _services.ToArray())
    {
        HasRoot = _rootService is not null,
    };
}
