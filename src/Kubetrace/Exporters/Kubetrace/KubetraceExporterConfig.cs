using Kubetrace.Components;

namespace Kubetrace.Exporters.Kubetrace;

/// <summary>Config of the <c>kubetrace</c> exporter: the embedded trace store.</summary>
/// <remarks>
/// Deliberately without <c>sending_queue</c>/<c>retry_on_failure</c>: an Export succeeds only once the spans are
/// durable in the store's WAL, so nothing may acknowledge them earlier from an in-memory queue. The store groups
/// concurrent appends into one fsync and pushes back when it is busy.
/// </remarks>
public sealed class KubetraceExporterConfig : IValidatableConfig
{
    /// <summary>Data folder; empty means <see cref="DefaultDirectory"/>.</summary>
    public string Directory { get; set; } = "";

    /// <summary>Traces older than this are deleted (whole blocks, oldest first); zero keeps them forever.</summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromHours(72);

    /// <summary>Upper bound of the disk used by blocks, e.g. "20GiB", "500MB" or bytes; empty: no limit.</summary>
    public string MaxDiskSize { get; set; } = "";

    /// <summary>$XDG_DATA_HOME/kubetrace, ~/.local/share/kubetrace, or ./kubetrace-data when there is no home.</summary>
    public static string DefaultDirectory
    {
        get
        {
            var data = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData);
            return string.IsNullOrEmpty(data) ? Path.GetFullPath("kubetrace-data") : Path.Combine(data, "kubetrace");
        }
    }

    public IEnumerable<ConfigProblem> Validate()
    {
        if (Retention < TimeSpan.Zero) yield return new ConfigProblem("retention", "must not be negative");
        if (!ByteSize.TryParse(MaxDiskSize, out _))
            yield return new ConfigProblem("max_disk_size", $"'{MaxDiskSize}' is not a size (examples: 20GiB, 500MB, 1073741824)");
    }
}
