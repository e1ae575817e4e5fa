namespace Kubetrace.Tests.Api;

/// <summary>The stores the storage suites run against (each suite has a subclass per backend).</summary>
public enum StoreBackend
{
    Embedded,

    /// <summary>One ClickHouse server.</summary>
    ClickHouse,

    /// <summary>Two ClickHouse servers as the shards of one cluster, written and read through Distributed tables.</summary>
    ClickHouseShards,
}
