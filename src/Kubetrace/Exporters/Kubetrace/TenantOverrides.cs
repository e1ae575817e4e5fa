using Kubetrace.Components;
using Kubetrace.Config;

namespace Kubetrace.Exporters.Kubetrace;

/// <summary>
/// One tenant's settings under <c>overrides</c> (Tempo's per-tenant overrides): its own retention, disk bound and
/// bytes per trace instead of the store's. Unset keys keep the store's value.
/// </summary>
public sealed class TenantOverrides
{
    /// <summary>Blocks of this tenant whose newest span is older than this are deleted (0: kept forever). Tempo's name; <c>retention</c> also reads.</summary>
    [ConfigKey("block_retention", "retention")]
    public TimeSpan? BlockRetention { get; set; }

    /// <summary>Upper bound of this tenant's store on disk; empty: the store's <c>max_disk_size</c>.</summary>
    public string MaxDiskSize { get; set; } = "";

    /// <summary>This tenant's <c>max_bytes_per_trace</c> (Tempo's per-tenant override of the same name); empty: the store's.</summary>
    public string MaxBytesPerTrace { get; set; } = "";

    /// <summary>The problems of an exporter's <c>overrides</c>, each at its key; <paramref name="embeddedStore"/> false:
    /// the store has no disk bound of its own (ClickHouse's disks are the server's), so <c>max_disk_size</c> is a mistake.</summary>
    public static IEnumerable<ConfigProblem> Validate(IReadOnlyDictionary<string, TenantOverrides> overrides, bool embeddedStore)
    {
        foreach (var (tenant, each) in overrides)
        {
            var at = KeyPath.Join("overrides", tenant);
            if (Pipeline.Tenants.Invalid(tenant) is { } error) yield return new ConfigProblem(at, error);
            if (each.BlockRetention < TimeSpan.Zero) yield return new ConfigProblem(KeyPath.Join(at, "block_retention"), "must not be negative");
            if (each.MaxDiskSize.Length > 0 && !embeddedStore)
                yield return new ConfigProblem(KeyPath.Join(at, "max_disk_size"),
                    "this exporter has no disk bound per tenant; only block_retention and max_bytes_per_trace can be overridden");
            else if (each.MaxDiskSize.Length > 0 && !ByteSize.TryParse(each.MaxDiskSize, out _))
                yield return new ConfigProblem(KeyPath.Join(at, "max_disk_size"), $"\"{each.MaxDiskSize}\" is not a size; write e.g. 10GiB, 500MB or 1048576");
            if (each.MaxBytesPerTrace.Length > 0 && KubetraceExporterConfig.BytesPerTraceProblem(each.MaxBytesPerTrace) is { } problem)
                yield return new ConfigProblem(KeyPath.Join(at, "max_bytes_per_trace"), problem);
        }
    }
}
