using System.Diagnostics;
using Kubetrace.Storage.ClickHouse;
using Kubetrace.Tests.EndToEnd.Harness;

namespace Kubetrace.Tests.TestSupport;

/// <summary>
/// A real ClickHouse server (Debian's clickhouse-server) for the tests: started once per test run on free
/// loopback ports with a temporary data folder and a small memory and thread budget, stopped when the run ends.
/// Each test store gets a database of its own (<see cref="NewOptions"/>), so tests do not see each other's spans.
/// <c>KUBETRACE_TEST_CLICKHOUSE</c> (an HTTP URL) uses a server that is already running instead.
/// </summary>
public sealed class ClickHouseTestServer : IDisposable
{
    public const string Binary = "/usr/sbin/clickhouse-server";
    private static readonly Lazy<ClickHouseTestServer> SharedServer = new(Start, LazyThreadSafetyMode.ExecutionAndPublication);
    private Process? _process;
    private readonly string? _folder;

    private ClickHouseTestServer(Uri endpoint, Process? process, string? folder)
    {
        Endpoint = endpoint;
        _process = process;
        _folder = folder;
    }

    public Uri Endpoint { get; }

    /// <summary>The server's data and config folder; null for a server started elsewhere.</summary>
    public string? Folder => _folder;

    public static bool Installed =>
        Environment.GetEnvironmentVariable("KUBETRACE_TEST_CLICKHOUSE") is { Length: > 0 } || File.Exists(Binary);

    public static ClickHouseTestServer Shared => SharedServer.Value;

    /// <summary>Two servers forming the cluster <see cref="ClusterName"/>, one shard each (started at first use).</summary>
    public static IReadOnlyList<ClickHouseTestServer> SharedShards => SharedCluster.Value;

    /// <summary>The cluster of <see cref="SharedShards"/> in both servers' <c>remote_servers</c>.</summary>
    public const string ClusterName = "kubetrace_test";

    private static readonly Lazy<IReadOnlyList<ClickHouseTestServer>> SharedCluster = new(StartCluster, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>A user of the servers started here whose queries go to system.query_log (a test reads what they read).</summary>
    public const string LoggedUser = "logged";

    /// <summary>Options for a store of its own: a fresh database on the shared server, no retention.</summary>
    public static ClickHouseOptions NewOptions() => NewOptions(Shared.Endpoint);

    /// <summary>A database name no other test uses.</summary>
    public static string NewDatabase() => "kt_" + Guid.NewGuid().ToString("N")[..16];

    private static ClickHouseOptions NewOptions(Uri endpoint) => new()
    {
        Endpoint = endpoint,
        Database = NewDatabase(),
        Retention = TimeSpan.Zero,
        MaxQueryMemoryBytes = 256L << 20,
        MaxThreads = 1,
    };

    /// <summary>Options for a store of its own on the two-shard cluster: written and read through the first shard.</summary>
    public static ClickHouseOptions NewClusterOptions() => NewOptions(SharedShards[0].Endpoint) with
    {
        Cluster = ClusterName,
        ShardEndpoints = SharedShards.Select(s => s.Endpoint).ToList(),
    };

    /// <summary>
    /// Drops a test's database on each server, so that a run does not pile up idle tables (each MergeTree table has
    /// background tasks of its own). Tidiness only: never holds a test up (the folder goes at the end of the run).
    /// </summary>
    public static async Task DropDatabaseAsync(IEnumerable<Uri> servers, string database)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        foreach (var server in servers)
        {
            try { (await http.PostAsync(server, new StringContent($"DROP DATABASE IF EXISTS {database}"))).Dispose(); }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException) { /* tidiness only */ }
        }
    }

    /// <summary>Starts a server process on the given ports; <paramref name="extraConfig"/> is XML inserted into its config (e.g. remote_servers).</summary>
    private static ClickHouseTestServer StartProcess(int httpPort, int tcpPort, string extraConfig = "")
    {
        var folder = Path.Combine(Path.GetTempPath(), "kubetrace-clickhouse-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "config.xml"), $"""
            <?xml version="1.0"?>
            <yandex>
              <logger><level>warning</level><log>{folder}/server.log</log><errorlog>{folder}/error.log</errorlog><size>10M</size><count>1</count></logger>
              <listen_host>127.0.0.1</listen_host>
              <http_port>{httpPort}</http_port>
              <tcp_port>{tcpPort}</tcp_port>
              <path>{folder}/data/</path>
              <tmp_path>{folder}/tmp/</tmp_path>
              <user_files_path>{folder}/user_files/</user_files_path>
              <format_schema_path>{folder}/format_schemas/</format_schema_path>
              <users_config>{folder}/users.xml</users_config>
              <default_profile>default</default_profile>
              <default_database>default</default_database>
              <mark_cache_size>67108864</mark_cache_size>
              <uncompressed_cache_size>0</uncompressed_cache_size>
              <max_concurrent_queries>64</max_concurrent_queries>
              <background_pool_size>2</background_pool_size>
              <background_schedule_pool_size>2</background_schedule_pool_size>
              <timezone>UTC</timezone>
              <query_log><database>system</database><table>query_log</table><flush_interval_milliseconds>7500</flush_interval_milliseconds></query_log>
              {extraConfig}
            </yandex>
            """);
        File.WriteAllText(Path.Combine(folder, "users.xml"), """
            <?xml version="1.0"?>
            <yandex>
              <profiles><default><max_threads>2</max_threads><max_memory_usage>1000000000</max_memory_usage></default>
                <logged><max_threads>2</max_threads><max_memory_usage>1000000000</max_memory_usage><log_queries>1</log_queries></logged></profiles>
              <users><default><password></password><networks><ip>127.0.0.1</ip><ip>::1</ip></networks><profile>default</profile><quota>default</quota></default>
                <logged><password></password><networks><ip>127.0.0.1</ip><ip>::1</ip></networks><profile>logged</profile><quota>default</quota></logged></users>
              <quotas><default><interval><duration>3600</duration><queries>0</queries><errors>0</errors><result_rows>0</result_rows><read_rows>0</read_rows><execution_time>0</execution_time></interval></default></quotas>
            </yandex>
            """);
        var server = new ClickHouseTestServer(new Uri($"http://127.0.0.1:{httpPort}"), null, folder);
        try
        {
            server.Launch();
            return server;
        }
        catch
        {
            server.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Starts a server process on free ports, choosing again when a port was taken before clickhouse-server bound it
    /// (its error log, in the start failure, says "Address already in use").
    /// </summary>
    public static ClickHouseTestServer StartOnFreePorts() => FreePorts.StartOnFresh(2, ports => StartProcess(ports[0], ports[1]));

    /// <summary>
    /// Starts the server process on its folder and ports (again, after <see cref="Kill"/>: a restart on the same data).
    /// It runs under <see cref="OwnedProcess"/>, so a test run that is killed does not leave it running.
    /// </summary>
    public void Launch()
    {
        if (_folder is null || _process is { HasExited: false }) return;
        _process?.Dispose();
        File.Delete(Path.Combine(_folder, OwnedProcess.PidFile));
        _process = OwnedProcess.Start(Binary, [$"--config-file={_folder}/config.xml"], _folder);
        WaitUntilReady();
    }

    /// <summary>The clickhouse-server's own process id (its watchdog is its parent); null for a server started elsewhere.</summary>
    public int? ServerProcessId => _folder is null ? null : OwnedProcess.CommandProcessId(_folder);

    private static ClickHouseTestServer Start()
    {
        if (Environment.GetEnvironmentVariable("KUBETRACE_TEST_CLICKHOUSE") is { Length: > 0 } url)
            return new ClickHouseTestServer(new Uri(url), null, null);
        var server = StartOnFreePorts();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => server.Dispose();
        return server;
    }

    /// <summary>
    /// Two servers, each knowing both as the shards of <see cref="ClusterName"/> (native TCP between them), and, where
    /// Debian's zookeeper is installed, a ZooKeeper for their distributed DDL (<c>ON CLUSTER</c>).
    /// </summary>
    private static IReadOnlyList<ClickHouseTestServer> StartCluster()
    {
        var zooKeeper = ZooKeeperTestServer.Installed ? ZooKeeperTestServer.StartOnFreePort() : null;
        var shards = FreePorts.StartOnFresh(4, ports =>
        {
            var remoteServers = $"<remote_servers><{ClusterName}>" +
                string.Concat(new[] { ports[1], ports[3] }.Select(tcp => $"<shard><replica><host>127.0.0.1</host><port>{tcp}</port></replica></shard>")) +
                $"</{ClusterName}></remote_servers>" + zooKeeper?.ClickHouseConfig;
            var first = StartProcess(ports[0], ports[1], remoteServers);
            try
            {
                return new[] { first, StartProcess(ports[2], ports[3], remoteServers) };
            }
            catch
            {
                first.Dispose();
                throw;
            }
        });
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            foreach (var shard in shards) shard.Dispose();
            zooKeeper?.Dispose();
        };
        return shards;
    }

    /// <summary>
    /// Options for a store of its own on the two-shard cluster, given only the first shard's endpoint: its tables are
    /// created and migrated on every shard by <c>ON CLUSTER</c> statements (distributed DDL through ZooKeeper).
    /// </summary>
    public static ClickHouseOptions NewOnClusterOptions() => NewOptions(SharedShards[0].Endpoint) with { Cluster = ClusterName };

    private void WaitUntilReady()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        Wait.UntilAsync(async () =>
        {
            try
            {
                return (await http.GetStringAsync(new Uri(Endpoint, "/ping"))).StartsWith("Ok", StringComparison.Ordinal);
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                if (_process is { HasExited: true })
                    throw new InvalidOperationException($"clickhouse-server exited with {_process.ExitCode}: " +
                        (File.Exists(Path.Combine(_folder!, "error.log")) ? File.ReadAllText(Path.Combine(_folder!, "error.log")) : ""));
                return false;
            }
        }, $"clickhouse-server answering on {Endpoint}").GetAwaiter().GetResult();
    }

    /// <summary>Stops the server at once (SIGKILL: tests that stop it mid-stream mean a crash).</summary>
    public void Kill()
    {
        if (_process is { HasExited: false }) _process.Kill(entireProcessTree: true);
        _process?.WaitForExit();
    }

    public void Dispose()
    {
        Kill();
        _process?.Dispose();
        if (_folder is not null) TempDirectory.Remove(_folder);
    }
}

/// <summary>A test that needs the ClickHouse cluster's distributed DDL (Debian's zookeeper): skipped where it is not installed, except in CI.</summary>
public sealed class RequiresClickHouseOnClusterFactAttribute : FactAttribute
{
    public RequiresClickHouseOnClusterFactAttribute() => Skip = RequiresClickHouseFactAttribute.SkipReason ??
        Requires.SkipReason(ZooKeeperTestServer.Installed ? null : $"zookeeper is not installed ({ZooKeeperTestServer.Script}); apt-get install zookeeper");
}

/// <summary>A test that needs clickhouse-server: skipped where it is not installed, except in CI (which installs it).</summary>
public sealed class RequiresClickHouseFactAttribute : FactAttribute
{
    public RequiresClickHouseFactAttribute() => Skip = SkipReason;

    /// <summary>Why a test that needs clickhouse-server is skipped here; null when it runs.</summary>
    internal static string? SkipReason => Requires.SkipReason(ClickHouseTestServer.Installed ? null
        : $"clickhouse-server is not installed ({ClickHouseTestServer.Binary}); apt-get install clickhouse-server");
}

/// <summary><see cref="RequiresClickHouseFactAttribute"/> for a theory.</summary>
public sealed class RequiresClickHouseTheoryAttribute : TheoryAttribute
{
    public RequiresClickHouseTheoryAttribute() => Skip = RequiresClickHouseFactAttribute.SkipReason;
}
