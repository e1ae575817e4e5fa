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

    /// <summary>
    /// The HTTP interface of every shard of <see cref="Cluster"/> (one replica each). When listed, Kubetrace creates
    /// the tables, drops expired partitions and reads disk figures on each shard itself; when empty it uses
    /// <c>ON CLUSTER</c>, which needs the servers' distributed DDL (ZooKeeper or ClickHouse Keeper).
    /// </summary>
    public IReadOnlyList<Uri> ShardEndpoints { get; init; } = [];

    /// <summary>Days of spans kept (whole daily partitions are dropped past it); zero keeps them forever.</summary>
    public TimeSpan Retention { get; init; } = TimeSpan.FromHours(72);

    /// <summary>Longest a query may run on the server (<c>max_execution_time</c>); zero: no limit.</summary>
    public TimeSpan QueryTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Memory one query may use on the server; sorts and groupings spill to disk past half of it.</summary>
    public long MaxQueryMemoryBytes { get; init; } = 1L << 30;

    /// <summary>Threads per query on the server; zero: the server's default.</summary>
    public int MaxThreads { get; init; }

    /// <summary>INSERTs of spans running at once at most; batches arriving meanwhile wait and go together in the next one
    /// (<see cref="GroupedInserts{T}"/>: fewer, larger parts for the server to write and merge). A second runs beside the
    /// first only once a full INSERT (<see cref="MaxInsertBytes"/>) waits.</summary>
    public int MaxInsertsInFlight { get; init; } = 2;

    /// <summary>RowBinary bytes one INSERT gathers from waiting batches at most (a larger batch goes alone). The server
    /// holds ~2.5 times this while it writes the part, beside ~100 MB of buffers per INSERT.</summary>
    public long MaxInsertBytes { get; init; } = 32L << 20;

    /// <summary>The analyses' rollups kept per minute of trace start (docs/storage.md, Rollups on ClickHouse); empty: none,
    /// every analysis scans its spans.</summary>
    public IReadOnlyList<Rollups.IRollup> Rollups { get; init; } = [];

    /// <summary>How long a window must go without a new span before it is rolled up (later spans are not counted in it).</summary>
    public TimeSpan RollupSettle { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How far apart the clocks of a cluster's servers may be: a rolled-up minute's recorded guests stand for its
    /// spans only when its last span arrived this long before the recording began (ClickHouseTraceStore.RollupRest.cs).</summary>
    public TimeSpan ArrivalMargin { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How often settled windows are looked for; zero: only when <see cref="ClickHouseTraceStore.BuildRollupsAsync"/> is called.</summary>
    public TimeSpan RollupInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Tempo's <c>max_bytes_per_trace</c>, as the embedded store has it (<see cref="TraceSizeGate"/>); 0: no limit.
    /// Counted by each Kubetrace instance over the spans it receives: several instances behind a load balancer each
    /// allow a trace this many bytes of what reaches them (docs/storage.md, Bytes per trace).</summary>
    public long MaxBytesPerTrace { get; init; }

    /// <summary>Counts the spans <see cref="MaxBytesPerTrace"/> refused; null: not counted.</summary>
    public Telemetry.Counter? DiscardedSpans { get; init; }

    /// <summary>The store has no head whose cut forgets traces: a trace not seen for this long, then as long again, is
    /// forgotten by <see cref="MaxBytesPerTrace"/>'s table (the embedded store's default head age).</summary>
    public TimeSpan TraceSizeWindow { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Traces whose sizes the table holds per window (the embedded store's default head, in spans).</summary>
    public int MaxTrackedTraces { get; init; } = 500_000;

    public TimeProvider Clock { get; init; } = TimeProvider.System;
}
