using Kubetrace.Components;
using Kubetrace.Config;

namespace Kubetrace.Exporters.Kubetrace;

/// <summary>Config of the <c>kubetrace</c> exporter: the embedded trace store.</summary>
/// <remarks>
/// Deliberately without <c>sending_queue</c>/<c>retry_on_failure</c>: an Export succeeds only once the spans are
/// durable in the store's WAL, so nothing may acknowledge them earlier from an in-memory queue.
/// </remarks>
public sealed class KubetraceExporterConfig : IValidatableConfig
{
    /// <summary>Environment variable naming the data folder when <see cref="Directory"/> is not set.</summary>
    public const string DataEnvironmentVariable = "KUBETRACE_DATA";

    /// <summary>Data folder; empty: <c>$KUBETRACE_DATA</c>, else <c>./data</c> in the working directory.</summary>
    [ConfigKey("path", "directory")]
    public string Directory { get; set; } = "";

    /// <summary>Traces older than this are deleted; 0 keeps them forever.</summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromHours(72);

    /// <summary>Upper bound of the store on disk (<c>10GiB</c>, <c>500MB</c>); empty: unlimited.</summary>
    public string MaxDiskSize { get; set; } = "";

    public string ResolvedPath() =>
        Path.GetFullPath(Directory.Length > 0 ? Directory
            : Environment.GetEnvironmentVariable(DataEnvironmentVariable) is { Length: > 0 } fromEnv ? fromEnv
            : "data");

    /// <summary>Bytes, 0 for unlimited (only valid after <see cref="Validate"/> passed).</summary>
    public long MaxDiskBytes() => ByteSize.TryParse(MaxDiskSize, out var bytes) ? bytes : 0;

    public IEnumerable<ConfigProblem> Validate()
    {
        if (Retention < TimeSpan.Zero) yield return new ConfigProblem("retention", "must not be negative");
        if (MaxDiskSize.Length > 0 && !ByteSize.TryParse(MaxDiskSize, out _))
            yield return new ConfigProblem("max_disk_size", $"\"{MaxDiskSize}\" is not a size; write e.g. 10GiB, 500MB or 1048576");
    }
}
