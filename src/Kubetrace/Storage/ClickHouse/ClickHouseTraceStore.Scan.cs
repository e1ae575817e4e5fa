using Kubetrace.Storage.Scan;

namespace Kubetrace.Storage.ClickHouse;

public sealed partial class ClickHouseTraceStore
{
    /// <summary>Spans one scan query reads at most (about 100 MB of answer); larger scans are split by trace-ID hash.</summary>
    internal const int SpansPerScanQuery = 300_000;

    /// <summary>
    /// Every trace with a span in the range, whole: the trace index bounds where their spans can be, and the
    /// answer comes ordered by trace ID, so each trace is handed to the visitor as soon as its rows are read.
    /// Only the columns analyses use are read, the requested attributes resolved by ClickHouse.
    /// </summary>
    public ValueTask ScanAsync(SpanScanRequest request, Action<ScannedTrace> visitor, CancellationToken cancellationToken) =>
        ScanAsync(request, excluded: null, visitor, cancellationToken);

    /// <summary><see cref="ScanAsync(SpanScanRequest, Action{ScannedTrace}, CancellationToken)"/> less the traces the
    /// <paramref name="excluded"/> subquery names (those a rollup counted).</summary>
    private async ValueTask ScanAsync(SpanScanRequest request, string? excluded, Action<ScannedTrace> visitor, CancellationToken cancellationToken)
    {
        var inRange = Sql.StartIn(request.Range.StartUnixNano, request.Range.EndUnixNano);
        if (request.Services is { Count: > 0 } services)
            inRange += $" AND service IN ({string.Join(",", services.Select(Sql.String))})";
        else if (request.Services is { Count: 0 }) return;
        if (excluded is not null) inRange += $" AND trace_id NOT IN ({excluded})";
        await ScanTracesAsync($"SELECT trace_id FROM {ClickHouseSchema.Spans} WHERE {inRange}", request.AttributeKeys, visitor, cancellationToken)
            .ConfigureAwait(false);
    }

    /// <summary>Every trace the subquery names, whole, in trace-ID order, with the values of <paramref name="keys"/>.</summary>
    private async ValueTask ScanTracesAsync(string traces, IReadOnlyList<string> keys, Action<ScannedTrace> visitor, CancellationToken cancellationToken)
    {
        var bounds = await TraceBoundsAsync(traces, cancellationToken).ConfigureAwait(false);
        if (bounds is not { } b) return;
        var spansInBounds = await _http.QueryLinesAsync(
            $"SELECT count() FROM {ClickHouseSchema.Spans} WHERE {Sql.StartIn(b.Start, b.End + 1)}", cancellationToken).ConfigureAwait(false);
        var chunks = (int)Math.Max(1, (long.Parse(spansInBounds[0], System.Globalization.CultureInfo.InvariantCulture) + SpansPerScanQuery - 1) / SpansPerScanQuery);

        // A row that names its resource (schema version 6) has no res_keys: its resource's values come from the resources table.
        var resources = keys.Count == 0 ? new Dictionary<UInt128, (string[] Keys, string[] Values)>() : await ResourceAttributesAsync(b.Start, b.End, cancellationToken).ConfigureAwait(false);
        var values = string.Join("", keys.Select(key =>
        {
            var k = Sql.String(key);
            return $", multiIf({PromotedAttributes.SpanHasSql(key)}, toNullable({PromotedAttributes.SpanValueSql(key)}), " +
                $"has(res_keys, {k}), toNullable(res_values[indexOf(res_keys, {k})]), NULL)";
        }));
        var trace = new ScannedTrace();
        var pool = new List<ScannedSpan>();
        var identities = new SpanIdentities();
        for (var chunk = 0; chunk < chunks; chunk++)
        {
            var slice = chunks == 1 ? "" : $" AND cityHash64(trace_id) % {chunks} = {chunk}";
            var data = await _http.QueryAsync(
                "SELECT trace_id, span_id, parent_span_id, service, name, kind, status_code, status_message, start_ns, start_ns + duration_ns, " +
                $"link_trace_ids, link_span_ids, {ClickHouseSchema.ResourceHash}{values} FROM {ClickHouseSchema.Spans} " +
                $"WHERE {Sql.StartIn(b.Start, b.End + 1)}{slice} AND trace_id IN ({traces}{slice}) ORDER BY trace_id FORMAT RowBinary",
                cancellationToken).ConfigureAwait(false);
            Deliver(data, keys, resources, trace, pool, identities, visitor);
            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    /// <summary>Hands each trace of the answer (rows ordered by trace ID) to the visitor, each of its spans once (<see cref="SpanIdentities"/>).</summary>
    private static void Deliver(ReadOnlySpan<byte> data, IReadOnlyList<string> keys, Dictionary<UInt128, (string[] Keys, string[] Values)> resources,
        ScannedTrace trace, List<ScannedSpan> pool, SpanIdentities identities, Action<ScannedTrace> visitor)
    {
        var reader = new RowBinaryReader(data);
        trace.Spans.Clear();
        identities.Clear();
        var used = 0;
        while (!reader.End)
        {
            var traceId = reader.TraceId();
            if (trace.Spans.Count > 0 && traceId != trace.TraceId)
            {
                visitor(trace);
                trace.Spans.Clear();
                identities.Clear();
                used = 0;
            }
            trace.TraceId = traceId;
            if (used == pool.Count) pool.Add(new ScannedSpan());
            var span = pool[used++];
            span.SpanId = reader.UInt64();
            span.ParentSpanId = reader.UInt64();
            span.Service = reader.String();
            span.Name = reader.String();
            span.Kind = (Otlp.Proto.Trace.Span.Types.SpanKind)reader.UInt8();
            span.StatusCode = reader.UInt8();
            var message = reader.String();
            span.StatusMessage = message.Length == 0 ? null : message;
            span.StartUnixNano = (long)reader.UInt64();
            span.EndUnixNano = (long)reader.UInt64();
            var linkCount = reader.VarUInt();
            var linkTraces = new TraceId[linkCount];
            for (var i = 0; i < linkCount; i++) linkTraces[i] = reader.TraceId();
            var links = new ScannedLink[reader.VarUInt()];
            for (var i = 0; i < links.Length; i++) links[i] = new ScannedLink(linkTraces[i], reader.UInt64());
            span.Links = links;
            resources.TryGetValue(ResourceHashes.Read(ref reader), out var resource);
            if (span.Values.Length != keys.Count) span.Values = new string?[keys.Count];
            for (var i = 0; i < keys.Count; i++)
                span.Values[i] = reader.UInt8() == 1
                    ? resource.Keys is null ? null : StoredSpan.Find(resource.Keys, resource.Values, keys[i])
                    : reader.String();
            if (identities.First(span.SpanId, (ulong)span.StartUnixNano)) trace.Spans.Add(span);
            else used--; // a copy a retried write left: its pooled object takes the next row
        }
        if (trace.Spans.Count > 0) visitor(trace);
        trace.Spans.Clear();
    }
}
