using Kubetrace.Components;

namespace Kubetrace.Exporters.Helper;

/// <summary>What <see cref="QueueConfig.QueueSize"/> counts.</summary>
public enum QueueSizer
{
    /// <summary>Batches (export requests), the Collector's default.</summary>
    Requests,

    /// <summary>Spans, so that the bound follows the data volume rather than the batch count.</summary>
    Items,
}

/// <summary>The Collector's <c>sending_queue</c>: a bounded in-memory queue in front of the exporter.</summary>
public sealed class QueueConfig
{
    public bool Enabled { get; set; } = true;

    /// <summary>Concurrent senders draining the queue.</summary>
    public int NumConsumers { get; set; } = 10;

    /// <summary>Capacity, counted by <see cref="Sizer"/>.</summary>
    public int QueueSize { get; set; } = 1000;

    public QueueSizer Sizer { get; set; } = QueueSizer.Requests;

    /// <summary>When full: wait for room (true) or refuse at once with a retryable error (false).</summary>
    public bool Blocking { get; set; }

    /// <summary>
    /// ID of a storage extension (<c>file_storage</c>): the queue is kept there, a batch is acknowledged once it is
    /// stored, and what is queued survives a crash or restart (<see cref="PersistentQueueStage"/>). Empty: in memory.
    /// </summary>
    public string Storage { get; set; } = "";

    /// <summary>Checked by the embedding exporter config (see <see cref="ExporterHelperConfigExtensions.ValidateHelper"/>), which prefixes the keys.</summary>
    public IEnumerable<ConfigProblem> Validate()
    {
        if (!Enabled) yield break;
        if (NumConsumers < 1) yield return new ConfigProblem("num_consumers", "must be at least 1");
        if (QueueSize < 1) yield return new ConfigProblem("queue_size", "must be at least 1");
        if (Storage.Length > 0 && !ComponentId.TryParse(Storage, out _, out var error))
            yield return new ConfigProblem("storage", $"\"{Storage}\" is not a component ID: {error}");
    }
}
