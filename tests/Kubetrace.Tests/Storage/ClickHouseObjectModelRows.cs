using Google.Protobuf;
using Kubetrace.Otlp.Proto.Collector;
using Kubetrace.Otlp.Proto.Common;
using Kubetrace.Otlp.Proto.Trace;
using Kubetrace.Storage;
using Kubetrace.Storage.ClickHouse;
using Kubetrace.Storage.Model;

namespace Kubetrace.Tests.Storage;

/// <summary>
/// The spans table's rows as the encoder wrote them from OTLP objects (SpanRowEncoder at 8aa9f7d, before it read the
/// protobuf bytes directly): the reference the wire encoder is held to, byte for byte. Since schema version 6 each
/// resource's columns are in the first row of its spans per day only, every row naming it by the first 16 bytes of its
/// envelope's SHA-256 (zero, and the columns as they are, for a resource without an envelope). Since version 7 the
/// first occurrence of a promoted key whose column holds its value (a non-empty text, a canonical UUID) is in the column
/// only, its position and type in a_positions; version 6 kept its key in attr_keys and "" in attr_values.
/// </summary>
internal static class ClickHouseObjectModelRows
{
    /// <summary>A database as a version-6 Kubetrace left it, with the request's spans in version 6's rows.</summary>
    public static async Task CreateVersion6Async(ClickHouseOptions options, ExportTraceServiceRequest request)
    {
        using var http = new ClickHouseHttp(options);
        await new ClickHouseSchema(options).MigrateAsync(http, CancellationToken.None, upTo: 6);
        var columns = ClickHouseSchema.SpanColumns.Replace($", {PromotedAttributes.Positions}", "");
        await http.InsertAsync(ClickHouseSchema.Spans, columns, Write(request, (ulong)TimeRange.ToNanos(DateTimeOffset.UtcNow), version: 6),
            CancellationToken.None);
    }

    /// <param name="version">7 (this build's rows), or 6: rows as the last version-6 build wrote them, for the migration tests.</param>
    public static byte[] Write(ExportTraceServiceRequest request, ulong written, int version = 7)
    {
        var rows = new RowBinaryWriter();
        var count = 0UL;
        var carried = new HashSet<(string Hash, ushort Date)>();
        foreach (var resourceSpans in request.ResourceSpans)
        {
            var resource = new ResourceSpans { Resource = resourceSpans.Resource, SchemaUrl = resourceSpans.SchemaUrl }.ToByteArray();
            var hash = resource.Length == 0 ? new byte[16] : System.Security.Cryptography.SHA256.HashData(resource)[..16];
            var resourceAttributes = resourceSpans.Resource?.Attributes ?? [];
            var service = "";
            var resKeys = new string[resourceAttributes.Count];
            var resValues = new string[resourceAttributes.Count];
            for (var i = 0; i < resKeys.Length; i++)
            {
                resKeys[i] = resourceAttributes[i].Key;
                resValues[i] = StoredValue.TextOf(resourceAttributes[i].Value ?? new AnyValue());
                if (resKeys[i] == "service.name") service = resValues[i];
            }
            foreach (var scopeSpans in resourceSpans.ScopeSpans)
            {
                var scope = new ScopeSpans { Scope = scopeSpans.Scope, SchemaUrl = scopeSpans.SchemaUrl }.ToByteArray();
                foreach (var span in scopeSpans.Spans)
                {
                    var date = (ushort)Math.Clamp((long)(span.StartTimeUnixNano / 86_400_000_000_000), 0, ushort.MaxValue);
                    var carries = resource.Length == 0 || carried.Add((Convert.ToHexString(hash), date));
                    WriteSpan(rows, span, service, carries ? resKeys : [], carries ? resValues : [], hash, carries ? resource : [], scope, written + count++, version);
                }
            }
        }
        return rows.Written.ToArray();
    }

    private static void WriteSpan(RowBinaryWriter rows, Span span, string service, string[] resKeys, string[] resValues, byte[] resourceHash,
        byte[] resource, byte[] scope, ulong written, int version)
    {
        rows.UInt16((ushort)Math.Clamp((long)(span.StartTimeUnixNano / 86_400_000_000_000), 0, ushort.MaxValue));
        rows.TraceId(Kubetrace.Storage.TraceId.FromByteString(span.TraceId));
        rows.UInt64(SpanIds.FromByteString(span.SpanId));
        rows.UInt64(span.ParentSpanId.IsEmpty ? 0 : SpanIds.FromByteString(span.ParentSpanId));
        rows.String(service);
        rows.String(span.Name);
        rows.Byte((byte)span.Kind);
        rows.Byte((byte)(span.Status?.Code ?? 0));
        rows.String(span.Status?.Message ?? "");
        rows.UInt64(span.StartTimeUnixNano);
        rows.UInt64(unchecked(span.EndTimeUnixNano - span.StartTimeUnixNano));
        rows.UInt64(written);
        var attributes = span.Attributes;
        var texts = new string[PromotedAttributes.All.Count];
        Array.Fill(texts, "");
        var uuids = new byte[16 * PromotedAttributes.All.Count];
        var places = new ulong[PromotedAttributes.All.Count];
        var seen = new bool[PromotedAttributes.All.Count];
        var taken = new bool[attributes.Count];
        for (var a = 0; a < attributes.Count; a++)
        {
            var attribute = attributes[a];
            var text = StoredValue.TextOf(attribute.Value ?? new AnyValue());
            var index = PromotedAttributes.IndexOf(attribute.Key);
            if (index < 0 || seen[index]) continue;
            seen[index] = true;
            if (PromotedAttributes.All[index].Kind == PromotedKind.Text) (texts[index], taken[a]) = (text, version < 7 || text.Length > 0);
            else if (attribute.Value?.ValueCase == AnyValue.ValueOneofCase.StringValue &&
                     PromotedAttribute.TryUuidBytes(text, uuids.AsSpan(16 * index, 16))) taken[a] = true;
            else uuids.AsSpan(16 * index, 16).Clear();
            places[index] = PromotedAttributes.Place(a, AttributeTypes.Of(attribute.Value));
        }
        // Version 6 kept every key, with "" for a value in a column; version 7 leaves the taken ones out.
        var kept = Enumerable.Range(0, attributes.Count).Where(a => version < 7 || !taken[a]).ToList();
        rows.VarUInt((ulong)kept.Count);
        foreach (var a in kept) rows.String(attributes[a].Key);
        rows.VarUInt((ulong)kept.Count);
        foreach (var a in kept) rows.String(taken[a] ? "" : StoredValue.TextOf(attributes[a].Value ?? new AnyValue()));
        var hasExtra = span.TraceState.Length > 0 || span.Flags != 0 || span.DroppedAttributesCount != 0 || span.DroppedEventsCount != 0 ||
            span.DroppedLinksCount != 0 || span.Events.Count > 0 || span.Links.Count > 0;
        var extra = hasExtra ? Extra(span) : null;
        rows.VarUInt((ulong)kept.Count);
        foreach (var a in kept) rows.Byte((byte)AttributeTypes.Of(attributes[a].Value));
        foreach (var attribute in attributes)
            if (AttributeTypes.Of(attribute.Value) == AttributeType.Other) (extra ??= Extra(span)).Attributes.Add(attribute);
        Strings(rows, resKeys);
        Strings(rows, resValues);
        rows.Raw(resourceHash);
        rows.VarUInt((ulong)span.Links.Count);
        foreach (var link in span.Links) rows.TraceId(Kubetrace.Storage.TraceId.FromByteString(link.TraceId));
        rows.VarUInt((ulong)span.Links.Count);
        foreach (var link in span.Links) rows.UInt64(SpanIds.FromByteString(link.SpanId));
        rows.Bytes(resource);
        rows.Bytes(scope);
        rows.Bytes(extra is null ? [] : extra.ToByteArray());
        var positions = new RowBinaryWriter();
        for (var i = 0; i < texts.Length; i++)
        {
            if (PromotedAttributes.All[i].Kind == PromotedKind.Text) rows.String(texts[i]);
            else rows.Raw(uuids.AsSpan(16 * i, 16));
            if (texts[i].Length > 0 || uuids.AsSpan(16 * i, 16).IndexOfAnyExcept((byte)0) >= 0) positions.VarUInt(places[i]);
        }
        if (version >= 7) rows.Bytes(positions.Written.Span);
    }

    private static Span Extra(Span span)
    {
        var extra = new Span
        {
            TraceState = span.TraceState, Flags = span.Flags, DroppedAttributesCount = span.DroppedAttributesCount,
            DroppedEventsCount = span.DroppedEventsCount, DroppedLinksCount = span.DroppedLinksCount,
        };
        extra.Events.Add(span.Events);
        extra.Links.Add(span.Links);
        return extra;
    }

    private static void Strings(RowBinaryWriter rows, string[] items)
    {
        rows.VarUInt((ulong)items.Length);
        foreach (var item in items) rows.String(item);
    }
}
