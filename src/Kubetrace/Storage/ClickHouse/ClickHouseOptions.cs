namespace Kubetrace.Storage.ClickHouse;

/// <summary>How to reach a ClickHouse server (or cluster) and what to keep there.</summary>
public sealed record ClickHouseOptions
{
    /// <summary>The HTTP interface, e.g. http://127.0.0.1:8123.</summary>
    public Uri Endpoint { get; init; } = new("http://127.0.0.1:8123");

    public string Database { get; init; } = "kubetrace";

    public string Username { get; init; } = "";

    public string Password { get; init; } = "";

    /// <summary>
    /// Name of a cluster of the servers' <c>remote_servers</c> config: the tables are created on every shard
    /// (<c>ON CLUSTER</c>) and read and written through <c>Distributed</c> tables sharded by trace ID. Empty: one server.
    /// </summary>
    public string Cluster { get; init; } = "";

    /// <summary>Days of spans kept (whole daily partitions are dropped past it); zero keeps them forever.</summary>
    public TimeSpan Retention { get; init; } = TimeSpan.FromHours(72);

    /// <summary>Longest a query may run on the server (<c>max_execution_time</c>); zero: no limit.</summary>
    public TimeSpan QueryTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Memory one query may use on the server; sorts and groupings spill to disk past half of it.</summary>
    public long MaxQueryMemoryBytes { get; init; } = 1L << 30;

    /// <summary>Threads per query on the server; zero: the server's default.</summary>
    public int MaxThreads { get; init; }

    public TimeProvider Clock { get; init; } = TimeProvider.System;
}
