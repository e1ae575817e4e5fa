using Google.Protobuf;
using Kubetrace.Otlp.Proto.Collector;
using Kubetrace.Otlp.Proto.Common;
using Kubetrace.Otlp.Proto.Trace;
using Kubetrace.Storage;
using Kubetrace.Storage.ClickHouse;
using Kubetrace.Storage.Model;

namespace Kubetrace.Tests.Storage;

/// <summary>
/// A database as a Kubetrace of schema version 2 left it: the tables of versions 1 and 2, and spans inserted in
/// version 2's row format (end_ns, every attribute value in attr_values). Written here, not by the store, so that the
/// migration tests read rows the current encoder never touched (SpanRowEncoder at dfc431c, the last version-2 build).
/// </summary>
internal static class ClickHouseVersion2Rows
{
    private const string Columns = "date, trace_id, span_id, parent_span_id, service, name, kind, status_code, status_message, " +
        "start_ns, end_ns, written, attr_keys, attr_values, attr_types, res_keys, res_values, link_trace_ids, link_span_ids, resource, scope, extra";

    /// <param name="version">2, or 1 (the same spans table without version 2's rollup tables), or a later version up to 5:
    /// the columns added since then computed from their DEFAULTs, every span carrying its resource whole, as every build
    /// before version 6 wrote it.</param>
    public static async Task CreateAsync(ClickHouseOptions options, ExportTraceServiceRequest request, int version = 2)
    {
        using var http = new ClickHouseHttp(options);
        await new ClickHouseSchema(options).MigrateAsync(http, CancellationToken.None, upTo: version);
        await InsertAsync(http, request);
    }

    /// <summary>The request's spans in version 2's row format, into a database at version 5 or before.</summary>
    public static Task InsertAsync(ClickHouseHttp http, ExportTraceServiceRequest request) =>
        http.InsertAsync(ClickHouseSchema.Spans, Columns, Rows(request), CancellationToken.None);

    private static ReadOnlyMemory<byte> Rows(ExportTraceServiceRequest request)
    {
        var rows = new RowBinaryWriter();
        var written = (ulong)TimeRange.ToNanos(DateTimeOffset.UtcNow);
        foreach (var resourceSpans in request.ResourceSpans)
        {
            var resource = new ResourceSpans { Resource = resourceSpans.Resource, SchemaUrl = resourceSpans.SchemaUrl }.ToByteArray();
            var resourceAttributes = resourceSpans.Resource.Attributes;
            foreach (var scopeSpans in resourceSpans.ScopeSpans)
            {
                var scope = new ScopeSpans { Scope = scopeSpans.Scope, SchemaUrl = scopeSpans.SchemaUrl }.ToByteArray();
                foreach (var span in scopeSpans.Spans)
                {
                    rows.UInt16((ushort)(span.StartTimeUnixNano / 86_400_000_000_000));
                    rows.TraceId(Kubetrace.Storage.TraceId.FromByteString(span.TraceId));
                    rows.UInt64(SpanIds.FromByteString(span.SpanId));
                    rows.UInt64(span.ParentSpanId.IsEmpty ? 0 : SpanIds.FromByteString(span.ParentSpanId));
                    rows.String(resourceAttributes.First(a => a.Key == "service.name").Value.StringValue);
                    rows.String(span.Name);
                    rows.Byte((byte)span.Kind);
                    rows.Byte((byte)(span.Status?.Code ?? 0));
                    rows.String(span.Status?.Message ?? "");
                    rows.UInt64(span.StartTimeUnixNano);
                    rows.UInt64(span.EndTimeUnixNano);
                    rows.UInt64(written++);
                    var extra = new Span { Flags = span.Flags };
                    Strings(rows, span.Attributes.Select(a => a.Key));
                    Strings(rows, span.Attributes.Select(a => StoredValue.TextOf(a.Value)));
                    rows.VarUInt((ulong)span.Attributes.Count);
                    foreach (var attribute in span.Attributes)
                    {
                        var type = AttributeTypes.Of(attribute.Value);
                        rows.Byte((byte)type);
                        if (type == AttributeType.Other) extra.Attributes.Add(attribute);
                    }
                    Strings(rows, resourceAttributes.Select(a => a.Key));
                    Strings(rows, resourceAttributes.Select(a => StoredValue.TextOf(a.Value)));
                    rows.VarUInt(0); // the migration tests' spans have no links
                    rows.VarUInt(0);
                    rows.Bytes(resource);
                    rows.Bytes(scope);
                    rows.Bytes(extra.CalculateSize() == 0 ? [] : extra.ToByteArray());
                }
            }
        }
        return rows.Written;
    }

    private static void Strings(RowBinaryWriter rows, IEnumerable<string> items)
    {
        var list = items.ToList();
        rows.VarUInt((ulong)list.Count);
        foreach (var item in list) rows.String(item);
    }
}
