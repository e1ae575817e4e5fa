using Kubetrace.Components;

namespace Kubetrace.Extensions.FileStorage;

/// <summary>
/// The Collector's <c>file_storage</c> extension settings (same key names). Kubetrace keeps one file per entry
/// (written to a temporary name and renamed into place), so a deleted entry's space is free at once and there is
/// nothing to compact: the <c>compaction</c> section is accepted for compatibility, <c>on_start</c> removes
/// leftovers of interrupted writes, and the rest has no effect (docs/storage.md, Persistent sending queue).
/// </summary>
public sealed class FileStorageConfig : IValidatableConfig
{
    /// <summary>Where the clients' folders are; Collector's default.</summary>
    public string Directory { get; set; } = "/var/lib/otelcol/file_storage";

    /// <summary>Create <see cref="Directory"/> when missing (the Collector refuses by default, as here).</summary>
    public bool CreateDirectory { get; set; }

    /// <summary>Flush every write to the device before it counts as done: survives a machine crash, not only a process crash.</summary>
    public bool Fsync { get; set; }

    /// <summary>Accepted for compatibility (the Collector's lock timeout); entries are never locked here.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(1);

    public CompactionConfig Compaction { get; set; } = new();

    /// <summary>Encryption at rest of every entry (a queued batch holds spans), with the store's keys and rules
    /// (<c>encryption: keys:</c>, the last one sealing; docs/security.md). Kubetrace's, not the Collector's.</summary>
    public Exporters.Kubetrace.EncryptionConfig Encryption { get; set; } = new();

    public IEnumerable<ConfigProblem> Validate()
    {
        if (string.IsNullOrWhiteSpace(Directory)) yield return new ConfigProblem("directory", "is required");
        if (Timeout < TimeSpan.Zero) yield return new ConfigProblem("timeout", "must not be negative");
        foreach (var problem in Encryption.Validate("encryption")) yield return problem;
    }
}

/// <summary>The Collector's <c>file_storage.compaction</c> keys.</summary>
public sealed class CompactionConfig
{
    public bool OnStart { get; set; }
    public bool OnRebound { get; set; }
    public string Directory { get; set; } = "";
    public long MaxTransactionSize { get; set; } = 65_536;
    public long ReboundNeededThresholdMib { get; set; } = 10;
    public long ReboundTriggerThresholdMib { get; set; } = 100;
    public TimeSpan CheckInterval { get; set; } = TimeSpan.FromSeconds(5);
    public bool CleanupOnStart { get; set; }
}
