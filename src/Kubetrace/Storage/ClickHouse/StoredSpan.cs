using Google.Protobuf;
using Kubetrace.Otlp.Proto.Common;
using Kubetrace.Otlp.Proto.Trace;
using Kubetrace.Storage.Model;

namespace Kubetrace.Storage.ClickHouse;

/// <summary>One row of the spans table as read back (<see cref="Columns"/>, in that order).</summary>
internal sealed class StoredSpan
{
    /// <summary>What a read selects: every column but the partition date, the link columns (links are in <c>extra</c>) and
    /// the resource's keys and values (in <c>resource</c>: fewer columns to read per granule), the end as start + duration
    /// (wrapping as it was written), the promoted attributes' columns last. A row that does not carry its resource names
    /// it by res_hash (schema version 6): <see cref="AttachResources"/> gives it the resource.</summary>
    public static readonly string Columns = "trace_id, span_id, parent_span_id, service, name, kind, status_code, status_message, start_ns, " +
        $"start_ns + duration_ns, written, attr_keys, attr_values, attr_types, resource, {ClickHouseSchema.ResourceHash}, scope, extra, " +
        PromotedAttributes.Columns;

    public TraceId TraceId;
    public ulong SpanId;
    public ulong ParentSpanId;
    public string Service = "";
    public string Name = "";
    public byte Kind;
    public byte StatusCode;
    public string StatusMessage = "";
    public ulong Start;
    public ulong End;
    public ulong Written;
    public string[] AttrKeys = [];
    public string[] AttrValues = [];
    public byte[] AttrTypes = [];
    public string[] ResKeys = [];
    public string[] ResValues = [];
    public byte[] Resource = [];
    /// <summary>The resource's name in the resources table when the row does not carry it; zero when it does.</summary>
    public UInt128 ResourceHash;
    public byte[] Scope = [];
    public byte[] Extra = [];

    public long Duration => End > Start ? (long)(End - Start) : 0;

    public static List<StoredSpan> ReadAll(ReadOnlySpan<byte> data)
    {
        var spans = new List<StoredSpan>();
        var reader = new RowBinaryReader(data);
        while (!reader.End)
        {
            var span = new StoredSpan
            {
                TraceId = reader.TraceId(), SpanId = reader.UInt64(), ParentSpanId = reader.UInt64(),
                Service = reader.String(), Name = reader.String(), Kind = reader.UInt8(), StatusCode = reader.UInt8(),
                StatusMessage = reader.String(), Start = reader.UInt64(), End = reader.UInt64(), Written = reader.UInt64(),
                AttrKeys = reader.StringArray(), AttrValues = reader.StringArray(), AttrTypes = reader.UInt8Array(),
                Resource = reader.Bytes().ToArray(), ResourceHash = ResourceHashes.Read(ref reader),
                Scope = reader.Bytes().ToArray(), Extra = reader.Bytes().ToArray(),
            };
            span.ReadPromoted(ref reader);
            spans.Add(span);
        }
        return spans;
    }

    /// <summary>The resources the rows name rather than carry.</summary>
    public static IReadOnlyCollection<UInt128> NamedResources(IEnumerable<StoredSpan> spans) =>
        spans.Where(s => s.Resource.Length == 0 && s.ResourceHash != UInt128.Zero).Select(s => s.ResourceHash).ToHashSet();

    /// <summary>Gives each row its resource — its own, or the one it names, from <paramref name="named"/> — and the resource's
    /// attributes, parsed once per distinct resource.</summary>
    public static void AttachResources(IEnumerable<StoredSpan> spans, IReadOnlyDictionary<UInt128, byte[]> named)
    {
        var parsed = new Dictionary<ByteString, (string[] Keys, string[] Values)>();
        foreach (var span in spans)
        {
            if (span.Resource.Length == 0 && named.TryGetValue(span.ResourceHash, out var resource)) span.Resource = resource;
            (span.ResKeys, span.ResValues) = ResourceAttributes(span.Resource, parsed);
        }
    }

    /// <summary>The resource's attribute keys and values as the encoder stored them in res_keys/res_values, from the
    /// resource itself (parsed once per distinct resource of an answer).</summary>
    private static (string[] Keys, string[] Values) ResourceAttributes(byte[] resource, Dictionary<ByteString, (string[], string[])> parsed)
    {
        var key = UnsafeByteOperations.UnsafeWrap(resource);
        if (parsed.TryGetValue(key, out var known)) return known;
        var attributes = ResourceSpans.Parser.ParseFrom(resource).Resource?.Attributes ?? [];
        var keys = new string[attributes.Count];
        var values = new string[attributes.Count];
        for (var i = 0; i < keys.Length; i++)
        {
            keys[i] = attributes[i].Key;
            values[i] = StoredValue.TextOf(attributes[i].Value ?? new AnyValue());
        }
        return parsed[key] = (keys, values);
    }

    /// <summary>
    /// Puts each promoted column's value back among the span's attributes, so that the span is whole again: at the
    /// place <see cref="PromotedAttributes.Positions"/> gives (schema version 7: the key left the arrays), or, in a row
    /// written before (no positions), at its key's first occurrence in <see cref="AttrValues"/>, where the encoder left "".
    /// A column left empty (or zero) gave nothing.
    /// </summary>
    private void ReadPromoted(ref RowBinaryReader reader)
    {
        List<(string Value, PromotedAttribute Promoted)>? taken = null;
        foreach (var promoted in PromotedAttributes.All)
        {
            var value = promoted.Kind == PromotedKind.Text ? reader.String() : UuidOrNull(reader.Fixed(16));
            if (!string.IsNullOrEmpty(value)) (taken ??= []).Add((value, promoted));
        }
        var positions = new RowBinaryReader(reader.Bytes());
        if (taken is null) return;
        if (positions.End)
        {
            foreach (var (value, promoted) in taken)
                if (Array.IndexOf(AttrKeys, promoted.Key) is var i and >= 0) AttrValues[i] = value;
            return;
        }
        var places = new (int Position, AttributeType Type, string Key, string Value)[taken.Count];
        for (var i = 0; i < places.Length; i++)
        {
            var (position, type) = PromotedAttributes.FromPlace((ulong)positions.VarUInt());
            places[i] = (position, type, taken[i].Promoted.Key, taken[i].Value);
        }
        Array.Sort(places, (a, b) => a.Position.CompareTo(b.Position));
        var keys = AttrKeys.ToList();
        var values = AttrValues.ToList();
        var types = AttrTypes.ToList();
        foreach (var (position, type, key, value) in places)
        {
            var at = Math.Min(position, keys.Count);
            keys.Insert(at, key);
            values.Insert(at, value);
            types.Insert(at, (byte)type);
        }
        (AttrKeys, AttrValues, AttrTypes) = (keys.ToArray(), values.ToArray(), types.ToArray());
    }

    private static string? UuidOrNull(ReadOnlySpan<byte> bytes) => bytes.IndexOfAnyExcept((byte)0) < 0 ? null : PromotedAttribute.UuidText(bytes);

    /// <summary>The span as it was written.</summary>
    public Span ToSpan()
    {
        var extra = Extra.Length == 0 ? null : Span.Parser.ParseFrom(Extra);
        var span = new Span
        {
            TraceId = TraceId.ToByteString(),
            SpanId = SpanIds.ToByteString(SpanId),
            ParentSpanId = SpanIds.ToByteString(ParentSpanId),
            Name = Name,
            Kind = (Span.Types.SpanKind)Kind,
            StartTimeUnixNano = Start,
            EndTimeUnixNano = End,
        };
        if (StatusCode != 0 || StatusMessage.Length > 0)
            span.Status = new Status { Code = (Status.Types.StatusCode)StatusCode, Message = StatusMessage };
        var others = 0;
        for (var i = 0; i < AttrKeys.Length; i++)
        {
            var type = (AttributeType)AttrTypes[i];
            span.Attributes.Add(type == AttributeType.Other && extra is not null && others < extra.Attributes.Count
                ? extra.Attributes[others++]
                : new KeyValue { Key = AttrKeys[i], Value = AttributeTypes.ToAnyValue(type, AttrValues[i]) });
        }
        if (extra is not null)
        {
            span.TraceState = extra.TraceState;
            span.Flags = extra.Flags;
            span.DroppedAttributesCount = extra.DroppedAttributesCount;
            span.DroppedEventsCount = extra.DroppedEventsCount;
            span.DroppedLinksCount = extra.DroppedLinksCount;
            span.Events.Add(extra.Events);
            span.Links.Add(extra.Links);
        }
        return span;
    }

    /// <summary>The value of a span attribute, else of the resource attribute, of that key; null when absent.</summary>
    public string? Value(string key) => Find(AttrKeys, AttrValues, key) ?? Find(ResKeys, ResValues, key);

    public static string? Find(string[] keys, string[] values, string key)
    {
        var i = Array.IndexOf(keys, key);
        return i < 0 ? null : values[i];
    }

    public MatchedSpan ToMatchedSpan()
    {
        var attributes = new KeyValuePair<string, string>[AttrKeys.Length];
        for (var i = 0; i < attributes.Length; i++) attributes[i] = KeyValuePair.Create(AttrKeys[i], AttrValues[i]);
        return new MatchedSpan(SpanId, Service, Name, (long)Start, Duration, attributes);
    }
}

/// <summary>Rebuilds OTLP ResourceSpans from stored rows, grouped by resource and scope as written; a span stored
/// twice (a client retrying an export whose answer it lost) comes back once, as the embedded store does.</summary>
internal static class StoredTraceAssembler
{
    public static IReadOnlyList<ResourceSpans> Assemble(IEnumerable<StoredSpan> rows)
    {
        var result = new List<ResourceSpans>();
        var byResource = new Dictionary<ByteString, ResourceSpans>();
        var byScope = new Dictionary<(ByteString Resource, ByteString Scope), ScopeSpans>();
        var seen = new HashSet<(ByteString Resource, ByteString Scope, ByteString Span)>();
        foreach (var row in rows.OrderBy(r => r.Written))
        {
            var resourceKey = ByteString.CopyFrom(row.Resource);
            var scopeKey = ByteString.CopyFrom(row.Scope);
            var span = row.ToSpan();
            if (!seen.Add((resourceKey, scopeKey, span.ToByteString()))) continue;
            if (!byResource.TryGetValue(resourceKey, out var resourceSpans))
            {
                resourceSpans = ResourceSpans.Parser.ParseFrom(row.Resource);
                byResource[resourceKey] = resourceSpans;
                result.Add(resourceSpans);
            }
            if (!byScope.TryGetValue((resourceKey, scopeKey), out var scopeSpans))
            {
                scopeSpans = ScopeSpans.Parser.ParseFrom(row.Scope);
                byScope[(resourceKey, scopeKey)] = scopeSpans;
                resourceSpans.ScopeSpans.Add(scopeSpans);
            }
            scopeSpans.Spans.Add(span);
        }
        // Spans in start order within each scope, as a reader expects.
        foreach (var scopeSpans in byScope.Values)
        {
            var sorted = scopeSpans.Spans.OrderBy(s => s.StartTimeUnixNano).ToList();
            scopeSpans.Spans.Clear();
            scopeSpans.Spans.Add(sorted);
        }
        return result;
    }
}
