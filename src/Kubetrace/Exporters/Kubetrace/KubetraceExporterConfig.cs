using Kubetrace.Components;

namespace Kubetrace.Exporters.Kubetrace;

/// <summary>Config of the <c>kubetrace</c> exporter: the embedded trace store.</summary>
public sealed class KubetraceExporterConfig : IValidatableConfig
{
    /// <summary>Environment variable naming the data folder when <see cref="Path"/> is not set.</summary>
    public const string DataEnvironmentVariable = "KUBETRACE_DATA";

    /// <summary>Data folder; empty: <c>$KUBETRACE_DATA</c>, else <c>./data</c> in the working directory.</summary>
    public string Path { get; set; } = "";

    /// <summary>Traces older than this are deleted; 0 keeps them forever.</summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromHours(72);

    /// <summary>Upper bound of the store on disk (<c>10GiB</c>, <c>500MB</c>); empty: unlimited.</summary>
    public string MaxDiskSize { get; set; } = "";

    public string ResolvedPath() =>
        System.IO.Path.GetFullPath(Path.Length > 0 ? Path
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
