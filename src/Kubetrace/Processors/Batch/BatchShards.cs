using System.Collections.Concurrent;
using System.Text;
using Kubetrace.Pipeline;

namespace Kubetrace.Processors.Batch;

/// <summary>
/// Finds the shard an input batch joins: the single shard, or with <c>metadata_keys</c> one shard per distinct
/// combination of those metadata values (so that, say, each tenant's spans are exported with its own headers),
/// up to <c>metadata_cardinality_limit</c> combinations.
/// </summary>
internal sealed class BatchShards
{
    private readonly string[] _keys;
    private readonly int _limit;
    private readonly BatchShard? _single;
    private readonly ConcurrentDictionary<string, BatchShard> _byValues = new(StringComparer.Ordinal);
    private readonly Lock _addGate = new();

    public BatchShards(IReadOnlyList<string> metadataKeys, int cardinalityLimit)
    {
        // Metadata keys are header names: case-insensitive, as in the Collector.
        _keys = metadataKeys.Select(k => k.ToLowerInvariant()).ToArray();
        _limit = cardinalityLimit;
        if (_keys.Length == 0) _single = new BatchShard(null);
    }

    /// <summary>Number of shards, for the <c>otelcol_processor_batch_metadata_cardinality</c> gauge.</summary>
    public int Count => _single is null ? _byValues.Count : 1;

    /// <summary>The shard for <paramref name="batch"/>; null when a new combination would pass the limit.</summary>
    public BatchShard? Find(TraceBatch batch)
    {
        if (_single is not null) return _single;

        var values = new string?[_keys.Length];
        for (var i = 0; i < _keys.Length; i++) values[i] = Lookup(batch.Metadata, _keys[i]);
        var key = ShardKey(values);
        if (_byValues.TryGetValue(key, out var shard)) return shard;

        lock (_addGate)
        {
            if (_byValues.TryGetValue(key, out shard)) return shard;
            if (_limit > 0 && _byValues.Count >= _limit) return null;
            var metadata = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            for (var i = 0; i < _keys.Length; i++)
                if (values[i] is { } value) metadata[_keys[i]] = value;
            shard = new BatchShard(metadata);
            _byValues[key] = shard;
            return shard;
        }
    }

    private static string? Lookup(IReadOnlyDictionary<string, string>? metadata, string key)
    {
        if (metadata is null) return null;
        if (metadata.TryGetValue(key, out var value)) return value;
        foreach (var (name, candidate) in metadata)
            if (string.Equals(name, key, StringComparison.OrdinalIgnoreCase)) return candidate;
        return null;
    }

    // Length-prefixed so that no two combinations share a key, and "absent" differs from "empty".
    private static string ShardKey(string?[] values)
    {
        var builder = new StringBuilder();
        foreach (var value in values)
            builder.Append(value is null ? "-" : $"{value.Length}:{value}").Append(';');
        return builder.ToString();
    }
}
