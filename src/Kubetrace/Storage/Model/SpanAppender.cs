using Google.Protobuf;
using Kubetrace.Otlp.Proto.Common;
using Kubetrace.Otlp.Proto.Resource;
using Kubetrace.Otlp.Proto.Trace;

namespace Kubetrace.Storage.Model;

/// <summary>Turns OTLP spans into rows of a <see cref="SpanTable"/> (the writer side of the head block).</summary>
internal static class SpanAppender
{
    public static int InternResource(SpanTable table, Resource? resource, string schemaUrl)
    {
        resource ??= new Resource();
        return table.Dictionaries.Resources.Intern(resource, schemaUrl, () => new ResourceEntry(resource, schemaUrl));
    }

    public static int InternScope(SpanTable table, InstrumentationScope? scope, string schemaUrl)
    {
        scope ??= new InstrumentationScope();
        return table.Dictionaries.Scopes.Intern(scope, schemaUrl, () => new ScopeEntry(scope, schemaUrl));
    }

    /// <summary>Appends one span; returns its row.</summary>
    public static int Append(SpanTable table, int resourceId, int scopeId, Span span)
    {
        var dictionaries = table.Dictionaries;
        var position = 1;
        foreach (var attribute in span.Attributes)
        {
            table.AttrKeys.Add(dictionaries.Strings.InternAt(position++, attribute.Key));
            table.AttrValues.Add(InternValue(table, attribute.Value));
        }

        table.TraceIds.Add(TraceId.FromByteString(span.TraceId).Value);
        table.SpanIds.Add(SpanIds.FromByteString(span.SpanId));
        table.ParentSpanIds.Add(SpanIds.FromByteString(span.ParentSpanId));
        table.Starts.Add(span.StartTimeUnixNano);
        table.Ends.Add(Math.Max(span.EndTimeUnixNano, span.StartTimeUnixNano));
        table.Names.Add(dictionaries.Strings.InternAt(0, span.Name));
        var status = span.Status;
        table.KindStatus.Add((byte)(((int)(status?.Code ?? 0) << 4) | ((int)span.Kind & 0xF)));
        table.StatusMessages.Add(string.IsNullOrEmpty(status?.Message) ? 0 : dictionaries.Strings.Intern(status.Message));
        table.Resources.Add(resourceId);
        table.Scopes.Add(scopeId);
        table.Flags.Add(span.Flags);
        table.Extra.Add(ExtraOf(table, span));
        // Written last: AttrEnds.Count is the row count readers snapshot.
        table.AttrEnds.Add(table.AttrKeys.Count);
        return table.Count - 1;
    }

    public static int InternValue(SpanTable table, AnyValue? value)
    {
        value ??= new AnyValue();
        if (value.ValueCase != AnyValue.ValueOneofCase.StringValue) return table.Dictionaries.Values.InternOther(value);
        var text = value.StringValue;
        return Uuid.TryParse(text, out var uuid) ? table.AddUuid(uuid) : table.Dictionaries.Values.InternString(text);
    }

    private static int ExtraOf(SpanTable table, Span span)
    {
        if (span.Events.Count == 0 && span.Links.Count == 0 && span.TraceState.Length == 0 &&
            span.DroppedAttributesCount == 0 && span.DroppedEventsCount == 0 && span.DroppedLinksCount == 0 &&
            (span.EndTimeUnixNano >= span.StartTimeUnixNano))
            return -1;
        var extra = new Span
        {
            TraceState = span.TraceState,
            DroppedAttributesCount = span.DroppedAttributesCount,
            DroppedEventsCount = span.DroppedEventsCount,
            DroppedLinksCount = span.DroppedLinksCount,
            // An end before the start cannot be stored as a duration; keep the original end here.
            EndTimeUnixNano = span.EndTimeUnixNano < span.StartTimeUnixNano ? span.EndTimeUnixNano : 0,
        };
        extra.Events.Add(span.Events);
        extra.Links.Add(span.Links);
        table.ExtraData.Add(extra.ToByteString());
        return table.ExtraData.Count - 1;
    }
}
