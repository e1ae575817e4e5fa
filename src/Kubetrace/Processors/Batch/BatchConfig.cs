using Kubetrace.Components;

namespace Kubetrace.Processors.Batch;

/// <summary>The <c>batch</c> processor's configuration, with the Collector's keys, defaults and checks.</summary>
public sealed class BatchConfig : IValidatableConfig
{
    /// <summary>Spans that trigger a send; 0 sends every input as soon as it arrives.</summary>
    public int SendBatchSize { get; set; } = 8192;

    /// <summary>Upper bound on the spans of one output batch (larger ones are split); 0 means no limit.</summary>
    public int SendBatchMaxSize { get; set; }

    /// <summary>How long spans may wait for a batch to fill; 0 sends immediately, ignoring send_batch_size.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Client metadata keys whose values separate batches (needs include_metadata on the receiver).</summary>
    public List<string> MetadataKeys { get; set; } = [];

    /// <summary>Most distinct metadata value combinations batched at once; 0 means no limit.</summary>
    public int MetadataCardinalityLimit { get; set; } = 1000;

    public IEnumerable<ConfigProblem> Validate()
    {
        if (SendBatchSize < 0)
            yield return new("send_batch_size", "send_batch_size must not be negative");
        if (SendBatchMaxSize < 0)
            yield return new("send_batch_max_size", "send_batch_max_size must not be negative");
        if (SendBatchMaxSize > 0 && SendBatchMaxSize < SendBatchSize)
            yield return new("send_batch_max_size", "send_batch_max_size must be greater or equal to send_batch_size");
        if (Timeout < TimeSpan.Zero)
            yield return new("timeout", "timeout must be greater or equal to 0");
        if (MetadataCardinalityLimit < 0)
            yield return new("metadata_cardinality_limit", "metadata_cardinality_limit must not be negative");
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var key in MetadataKeys)
        {
            var lower = key.ToLowerInvariant();
            if (!seen.Add(lower))
                yield return new("metadata_keys", $"duplicate entry in metadata_keys: \"{lower}\" (case-insensitive)");
        }
    }
}
