using System.Diagnostics;
using System.Net.Sockets;
using System.Text;

namespace Kubetrace.Tests.TestSupport;

/// <summary>
/// A real ZooKeeper (Debian's package <c>zookeeper</c>), standalone on a free loopback port with a temporary data
/// folder: what ClickHouse's distributed DDL (<c>ON CLUSTER</c>) needs to run one statement on every server of a
/// cluster. Started once per test run, at first use, beside the two-shard ClickHouse cluster of the tests.
/// </summary>
public sealed class ZooKeeperTestServer : IDisposable
{
    public const string Script = "/usr/share/zookeeper/bin/zkServer.sh";
    private readonly Process _process;
    private readonly string _folder;

    private ZooKeeperTestServer(int port, Process process, string folder)
    {
        Port = port;
        _process = process;
        _folder = folder;
    }

    public int Port { get; }

    public static bool Installed => File.Exists(Script);

    /// <summary>
    /// Starts a server on a free port, choosing again when the port was taken between the choice and ZooKeeper binding
    /// it (<see cref="FreePorts.StartOnFresh{T}"/>).
    /// </summary>
    public static ZooKeeperTestServer StartOnFreePort() => FreePorts.StartOnFresh(1, ports => Start(ports[0]));

    /// <summary>Starts a server on <paramref name="port"/> and waits until it answers <c>ruok</c>.</summary>
    private static ZooKeeperTestServer Start(int port)
    {
        var folder = Path.Combine(Path.GetTempPath(), "kubetrace-zookeeper-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.Combine(folder, "data"));
        var config = Path.Combine(folder, "zoo.cfg");
        File.WriteAllText(config, $"""
            tickTime=500
            dataDir={folder}/data
            clientPort={port}
            clientPortAddress=127.0.0.1
            admin.enableServer=false
            4lw.commands.whitelist=ruok
            """);
        // zkServer.sh execs java in the foreground, so the watchdog's child is the JVM itself; a small heap is plenty.
        var process = OwnedProcess.Start("/usr/bin/env", ["JVMFLAGS=-Xmx128m", Script, "start-foreground", config], folder);
        var server = new ZooKeeperTestServer(port, process, folder);
        try
        {
            Wait.UntilAsync(server.AnswersAsync, $"zookeeper answering ruok on 127.0.0.1:{port}").GetAwaiter().GetResult();
        }
        catch
        {
            server.Dispose();
            throw;
        }
        return server;
    }

    private async Task<bool> AnswersAsync()
    {
        // Its log goes to a file of the package's, not to us: a port another process holds now tells a bind race.
        if (_process.HasExited)
            throw new InvalidOperationException($"zookeeper exited with {_process.ExitCode}" +
                (FreePorts.IsHeld(Port) ? $": 127.0.0.1:{Port}: address already in use" : ""));
        try
        {
            using var tcp = new TcpClient();
            await tcp.ConnectAsync(System.Net.IPAddress.Loopback, Port);
            var stream = tcp.GetStream();
            await stream.WriteAsync("ruok"u8.ToArray());
            var answer = new byte[4];
            var read = await stream.ReadAtLeastAsync(answer, 4, throwOnEndOfStream: false);
            return Encoding.ASCII.GetString(answer, 0, read) == "imok";
        }
        catch (Exception e) when (e is SocketException or IOException)
        {
            return false;
        }
    }

    /// <summary>The ClickHouse server config that points at this ZooKeeper and turns distributed DDL on.</summary>
    public string ClickHouseConfig =>
        $"<zookeeper><node><host>127.0.0.1</host><port>{Port}</port></node></zookeeper>" +
        "<distributed_ddl><path>/clickhouse/task_queue/ddl</path></distributed_ddl>";

    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
        _process.Dispose();
        TempDirectory.Remove(_folder);
    }
}
