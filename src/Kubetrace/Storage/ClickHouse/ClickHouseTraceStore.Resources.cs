namespace Kubetrace.Storage.ClickHouse;

/// <summary>
/// Resources that span rows name rather than carry (schema version 6, docs/storage.md "Resources written once"), read from
/// the resources table — through its Distributed table in a cluster, since a resource's row is on the shard of the span
/// that carried it, not necessarily beside the spans that name it.
/// </summary>
public sealed partial class ClickHouseTraceStore
{
    /// <summary>Resource envelopes by hash already read: a hash names one envelope for ever (it is the envelope's hash),
    /// so a trace lookup asks the server only for resources it has not seen — most lookups none, one query less.</summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<UInt128, byte[]> _envelopes = new();

    /// <summary>Envelopes kept at most; past it the cache starts again (a cluster has a few thousand resources).</summary>
    private const int MaxCachedEnvelopes = 100_000;

    /// <summary>The rows with their resources attached (<see cref="StoredSpan.AttachResources"/>).</summary>
    private async Task<List<StoredSpan>> WithResourcesAsync(List<StoredSpan> spans, CancellationToken cancellationToken)
    {
        var envelopes = new Dictionary<UInt128, byte[]>();
        var missing = new List<UInt128>();
        foreach (var hash in StoredSpan.NamedResources(spans))
        {
            if (_envelopes.TryGetValue(hash, out var known)) envelopes[hash] = known;
            else missing.Add(hash);
        }
        if (missing.Count > 0)
        {
            var data = await _http.QueryAsync(
                $"SELECT {ClickHouseSchema.ResourceHash}, any(resource) FROM {ClickHouseSchema.Resources} " +
                $"WHERE {ClickHouseSchema.ResourceHash} IN ({ResourceHashes.List(missing)}) GROUP BY {ClickHouseSchema.ResourceHash} FORMAT RowBinary",
                cancellationToken).ConfigureAwait(false);
            if (_envelopes.Count > MaxCachedEnvelopes) _envelopes.Clear();
            var reader = new RowBinaryReader(data);
            while (!reader.End)
            {
                var hash = ResourceHashes.Read(ref reader);
                _envelopes[hash] = envelopes[hash] = reader.Bytes().ToArray();
            }
        }
        StoredSpan.AttachResources(spans, envelopes);
        return spans;
    }

    /// <summary>
    /// The attributes of every resource that spans starting in [start, end] may name: the resources of those days (a
    /// resource is carried by a span of each day its spans start in, and kept in that day's partition).
    /// </summary>
    private async Task<Dictionary<UInt128, (string[] Keys, string[] Values)>> ResourceAttributesAsync(long start, long end,
        CancellationToken cancellationToken)
    {
        var data = await _http.QueryAsync(
            $"SELECT {ClickHouseSchema.ResourceHash}, any(res_keys), any(res_values) FROM {ClickHouseSchema.Resources} " +
            $"WHERE date >= {Sql.Date(start)} AND date <= {Sql.Date(end)} GROUP BY {ClickHouseSchema.ResourceHash} FORMAT RowBinary",
            cancellationToken).ConfigureAwait(false);
        var resources = new Dictionary<UInt128, (string[] Keys, string[] Values)>();
        var reader = new RowBinaryReader(data);
        while (!reader.End) resources[ResourceHashes.Read(ref reader)] = (reader.StringArray(), reader.StringArray());
        return resources;
    }
}
