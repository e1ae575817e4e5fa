using Kubetrace.Config;

namespace Kubetrace.Exporters.Kubetrace;

/// <summary>
/// One tenant's settings under <c>overrides</c> (Tempo's per-tenant overrides): its own retention instead of the
/// store's. Unset keys keep the store's value.
/// </summary>
public sealed class TenantOverrides
{
    /// <summary>Blocks of this tenant whose newest span is older than this are deleted (0: kept forever). Tempo's name; <c>retention</c> also reads.</summary>
    [ConfigKey("block_retention", "retention")]
    public TimeSpan? BlockRetention { get; set; }

    /// <summary>Upper bound of this tenant's store on disk; empty: the store's <c>max_disk_size</c>.</summary>
    public string MaxDiskSize { get; set; } = "";
}
