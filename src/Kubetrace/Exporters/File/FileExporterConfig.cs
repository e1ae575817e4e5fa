using Kubetrace.Components;
using Kubetrace.Exporters.Helper;

namespace Kubetrace.Exporters.File;

/// <summary>How batches are written to the file.</summary>
public enum FileFormat
{
    /// <summary>One OTLP JSON ExportTraceServiceRequest per line.</summary>
    Json,

    /// <summary>Each request's protobuf bytes preceded by their length (4 bytes, big-endian), as the Collector writes them.</summary>
    Proto,
}

/// <summary>When the file is rolled over to a backup and how many backups are kept (the Collector's lumberjack settings).</summary>
public sealed class RotationConfig
{
    public int MaxMegabytes { get; set; } = 100;

    /// <summary>Backups older than this many days are deleted; zero keeps them regardless of age.</summary>
    public int MaxDays { get; set; }

    /// <summary>At most this many backups are kept; zero keeps all.</summary>
    public int MaxBackups { get; set; } = 100;

    /// <summary>Backup names use local time instead of UTC.</summary>
    public bool Localtime { get; set; }
}

/// <summary>Config of the <c>file</c> exporter.</summary>
public sealed class FileExporterConfig : IValidatableConfig, IExporterHelperConfig
{
    public string Path { get; set; } = "";

    public FileFormat Format { get; set; } = FileFormat.Json;

    /// <summary>Absent: the file grows without rotation.</summary>
    public RotationConfig? Rotation { get; set; }

    /// <summary>Buffered appends reach the file at least this often; zero writes through on every batch.</summary>
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>One consumer by default: appends are serialized by the file anyway, and a single consumer keeps
    /// the records in the order the batches arrived in, as the Collector's file exporter does.</summary>
    public QueueConfig SendingQueue { get; set; } = new() { NumConsumers = 1 };

    public RetryConfig RetryOnFailure { get; set; } = new();

    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(5);

    public IEnumerable<ConfigProblem> Validate()
    {
        if (string.IsNullOrWhiteSpace(Path)) yield return new ConfigProblem("path", "is required");
        if (FlushInterval < TimeSpan.Zero) yield return new ConfigProblem("flush_interval", "must not be negative");
        if (Rotation is { } rotation)
        {
            if (rotation.MaxMegabytes < 1) yield return new ConfigProblem("rotation.max_megabytes", "must be at least 1");
            if (rotation.MaxDays < 0) yield return new ConfigProblem("rotation.max_days", "must not be negative");
            if (rotation.MaxBackups < 0) yield return new ConfigProblem("rotation.max_backups", "must not be negative");
        }
        foreach (var problem in this.ValidateHelper()) yield return problem;
    }
}
