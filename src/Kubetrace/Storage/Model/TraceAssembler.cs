using Kubetrace.Otlp.Proto.Common;
using Kubetrace.Otlp.Proto.Trace;

namespace Kubetrace.Storage.Model;

/// <summary>Rebuilds OTLP objects from span table rows, grouped by resource and scope as they were written.</summary>
internal sealed class TraceAssembler
{
    private readonly List<ResourceSpans> _result = [];
    private readonly Dictionary<(Dictionaries, int), ResourceSpans> _byResource = new();
    // Keyed by ids, not by the ResourceSpans: a protobuf message hashes its whole content, spans included, which
    // made assembling a row group of a thousand spans quadratic (compaction assembles whole row groups).
    private readonly Dictionary<(Dictionaries, int Resource, int Scope), ScopeSpans> _byScope = new();
    // Spans already added by (span ID, start): the same span exported twice (a client retrying an export whose
    // answer it lost) is stored twice, but is one span, returned once when resource, scope and content are equal.
    private readonly Dictionary<(ulong SpanId, ulong Start), List<(ScopeSpans Scope, Span Span)>> _added = new();

    public int SpanCount { get; private set; }

    public void Add(SpanTable table, int row)
    {
        var resourceId = table.Resources.Items[row];
        // Resource ids are per dictionary set; key by the dictionaries so that blocks do not mix.
        var resourceKey = (table.Dictionaries, resourceId);
        if (!_byResource.TryGetValue(resourceKey, out var resourceSpans))
        {
            var entry = table.Dictionaries.Resources[resourceId];
            resourceSpans = _result.FirstOrDefault(r => r.SchemaUrl == entry.SchemaUrl && Equals(r.Resource, entry.Resource));
            if (resourceSpans is null)
            {
                resourceSpans = new ResourceSpans { Resource = entry.Resource.Clone(), SchemaUrl = entry.SchemaUrl };
                _result.Add(resourceSpans);
            }
            _byResource[resourceKey] = resourceSpans;
        }

        var scopeId = table.Scopes.Items[row];
        if (!_byScope.TryGetValue((table.Dictionaries, resourceId, scopeId), out var scopeSpans))
        {
            var entry = table.Dictionaries.Scopes[scopeId];
            scopeSpans = resourceSpans.ScopeSpans.FirstOrDefault(s => s.SchemaUrl == entry.SchemaUrl && Equals(s.Scope, entry.Scope));
            if (scopeSpans is null)
            {
                scopeSpans = new ScopeSpans { Scope = entry.Scope.Clone(), SchemaUrl = entry.SchemaUrl };
                resourceSpans.ScopeSpans.Add(scopeSpans);
            }
            _byScope[(table.Dictionaries, resourceId, scopeId)] = scopeSpans;
        }

        var span = BuildSpan(table, row);
        var key = (table.SpanIds.Items[row], table.Starts.Items[row]);
        if (_added.TryGetValue(key, out var same))
        {
            foreach (var (scope, earlier) in same)
                if (ReferenceEquals(scope, scopeSpans) && earlier.Equals(span)) return;
        }
        else _added[key] = same = [];
        same.Add((scopeSpans, span));
        scopeSpans.Spans.Add(span);
        SpanCount++;
    }

    public IReadOnlyList<ResourceSpans> Result()
    {
        // Spans in start order within each scope, as a reader expects.
        foreach (var resourceSpans in _result)
        foreach (var scopeSpans in resourceSpans.ScopeSpans)
        {
            var sorted = scopeSpans.Spans.OrderBy(s => s.StartTimeUnixNano).ToList();
            scopeSpans.Spans.Clear();
            scopeSpans.Spans.Add(sorted);
        }
        return _result;
    }

    public static Span BuildSpan(SpanTable table, int row)
    {
        var dictionaries = table.Dictionaries;
        var span = new Span
        {
            TraceId = new TraceId(table.TraceIds.Items[row]).ToByteString(),
            SpanId = SpanIds.ToByteString(table.SpanIds.Items[row]),
            ParentSpanId = SpanIds.ToByteString(table.ParentSpanIds.Items[row]),
            Name = dictionaries.Strings[table.Names.Items[row]],
            Kind = (Span.Types.SpanKind)table.Kind(row),
            StartTimeUnixNano = table.Starts.Items[row],
            EndTimeUnixNano = table.Ends.Items[row],
            Flags = table.Flags.Items[row],
        };
        var statusCode = table.StatusCode(row);
        var statusMessage = table.StatusMessages.Items[row];
        if (statusCode != 0 || statusMessage != 0)
            span.Status = new Status { Code = (Status.Types.StatusCode)statusCode, Message = dictionaries.Strings[statusMessage] };

        var (start, end) = table.AttrRange(row);
        for (var i = start; i < end; i++)
        {
            var valueId = table.AttrValues.Items[i];
            var value = valueId >= 0
                ? dictionaries.Values.ToAnyValue(valueId)
                : new AnyValue { StringValue = Uuid.Format(table.Uuids.Items[~valueId]) };
            span.Attributes.Add(new KeyValue { Key = dictionaries.Strings[table.AttrKeys.Items[i]], Value = value });
        }

        var extra = table.Extra.Items[row];
        if (extra >= 0)
        {
            var extraSpan = Span.Parser.ParseFrom(table.ExtraData.Items[extra]);
            span.TraceState = extraSpan.TraceState;
            span.DroppedAttributesCount = extraSpan.DroppedAttributesCount;
            span.DroppedEventsCount = extraSpan.DroppedEventsCount;
            span.DroppedLinksCount = extraSpan.DroppedLinksCount;
            if (extraSpan.EndTimeUnixNano != 0) span.EndTimeUnixNano = extraSpan.EndTimeUnixNano;
            span.Events.Add(extraSpan.Events);
            span.Links.Add(extraSpan.Links);
        }
        return span;
    }
}
