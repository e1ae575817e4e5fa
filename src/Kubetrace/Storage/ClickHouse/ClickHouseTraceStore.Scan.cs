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
    public async ValueTask ScanAsync(SpanScanRequest request, Action<ScannedTrace> visitor, CancellationToken cancellationToken)
    {
        var inRange = Sql.StartIn(request.Range.StartUnixNano, request.Range.EndUnixNano);
        if (request.Services is { Count: > 0 } services)
            inRange += $" AND service IN ({string.Join(",", services.Select(Sql.String))})";
        else if (request.Services is { Count: 0 }) return;
        await ScanTracesAsync($"SELECT trace_id FROM {ClickHouseSchema.Spans} WHERE {inRange}", request.AttributeKeys, visitor, cancellationToken)
            .ConfigureAwait(false);
    }

    /// <summary>Every trace the subquery names, whole, in trace-ID order, with the values of <paramref name="keys"/>.</summary>
    private async ValueTask ScanTracesAsync(string traces, IReadOnlyList<string> keys, Action<ScannedTrace> visitor, CancellationToken cancellationToken)
    {
        var minutes = await TraceMinutesAsync(traces, cancellationToken).ConfigureAwait(false);
        if (minutes is not { } m) return;
        var where = Sql.StartIn(m.Start, m.End + 1) + (m.Runs.Count <= MaxMinuteRuns ? " AND " + Sql.MinutesIn(m.Runs) : "");
        var spansInBounds = await _http.QueryLinesAsync(
            $"SELECT count() FROM {ClickHouseSchema.Spans} WHERE {where}", cancellationToken).ConfigureAwait(false);
        var chunks = (int)Math.Max(1, (long.Parse(spansInBounds[0], System.Globalization.CultureInfo.InvariantCulture) + SpansPerScanQuery - 1) / SpansPerScanQuery);

        // A row that names its resource (schema version 6) has no res_keys: its resource's values come from the resources table.
        var resources = keys.Count == 0 ? new Dictionary<UInt128, (string[] Keys, string[] Values)>() : await ResourceAttributesAsync(m.Start, m.End, cancellationToken).ConfigureAwait(false);
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
                $"WHERE {where}{slice} AND trace_id IN ({traces}{slice}) ORDER BY trace_id FORMAT RowBinary",
                cancellationToken).ConfigureAwait(false);
            Deliver(data, keys, resources, trace, pool, identities, visitor);
            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    /// <summary>
    /// Where the traces' spans are: their first and last start, and the runs of minutes they have spans in (from the
    /// trace index's first and last start per inserted block) — the traces an analysis scans beside its rollups lie
    /// mostly at its range's ends, and reading every minute between for them cost as much as the full scan.
    /// </summary>
    private async Task<(long Start, long End, List<(ulong From, ulong To)> Runs)?> TraceMinutesAsync(string traces, CancellationToken cancellationToken)
    {
        var data = await _http.QueryAsync(
            $"SELECT intDiv(min_start, {Sql.Number(Window)}) AS first_minute, intDiv(max_start, {Sql.Number(Window)}) AS last_minute, min(min_start), max(max_start) " +
            $"FROM {ClickHouseSchema.TraceIndex} WHERE trace_id IN ({traces}) GROUP BY first_minute, last_minute ORDER BY first_minute, last_minute FORMAT RowBinary",
            cancellationToken).ConfigureAwait(false);
        var reader = new RowBinaryReader(data);
        var intervals = new List<(ulong From, ulong To)>();
        (ulong Start, ulong End) bounds = (ulong.MaxValue, 0);
        while (!reader.End)
        {
            intervals.Add((reader.UInt64(), reader.UInt64()));
            bounds = (Math.Min(bounds.Start, reader.UInt64()), Math.Max(bounds.End, reader.UInt64()));
        }
        return intervals.Count == 0 ? null : ((long)bounds.Start, (long)bounds.End, Sql.Runs(intervals));
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
