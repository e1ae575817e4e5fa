namespace Kubetrace.Storage.ClickHouse;

/// <summary>
/// Resources that span rows name rather than carry (schema version 6, docs/storage.md "Resources written once"), read from
/// the resources table — through its Distributed table in a cluster, since a resource's row is on the shard of the span
/// that carried it, not necessarily beside the spans that name it.
/// </summary>
public sealed partial class ClickHouseTraceStore
{
    /// <summary>The rows with their resources attached (<see cref="StoredSpan.AttachResources"/>).</summary>
    private async Task<List<StoredSpan>> WithResourcesAsync(List<StoredSpan> spans, CancellationToken cancellationToken)
    {
        var named = StoredSpan.NamedResources(spans);
        var envelopes = new Dictionary<UInt128, byte[]>();
        if (named.Count > 0)
        {
            var data = await _http.QueryAsync(
                $"SELECT {ClickHouseSchema.ResourceHash}, any(resource) FROM {ClickHouseSchema.Resources} " +
                $"WHERE {ClickHouseSchema.ResourceHash} IN ({ResourceHashes.List(named)}) GROUP BY {ClickHouseSchema.ResourceHash} FORMAT RowBinary",
                cancellationToken).ConfigureAwait(false);
            var reader = new RowBinaryReader(data);
            while (!reader.End) envelopes[ResourceHashes.Read(ref reader)] = reader.Bytes().ToArray();
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
