namespace Kubetrace.Tests.TestSupport;

/// <summary>
/// The test assembly as a program (<c>dotnet exec Kubetrace.Tests.dll COMMAND</c>): a stand-in for a test process
/// that a test can SIGKILL, to see what the harness leaves behind when a test run is killed.
/// </summary>
internal static class TestHostProgram
{
    /// <summary>Starts a ClickHouse server as a test does, prints its process id and folder, and waits to be killed.</summary>
    public const string ClickHouseOwner = "clickhouse-owner";

    /// <summary>
    /// <c>kubetrace-owner FOLDER</c>: starts <c>kubetrace serve</c> as a test does (<see cref="KubetraceProcess"/>, its
    /// config in FOLDER), prints the server's process id once it is ready, and waits to be killed.
    /// </summary>
    public const string KubetraceOwner = "kubetrace-owner";

    public static async Task<int> Main(string[] args)
    {
        switch (args)
        {
            case [ClickHouseOwner]:
                var clickHouse = ClickHouseTestServer.StartOnFreePorts();
                Console.WriteLine($"{clickHouse.ServerProcessId} {clickHouse.Folder}");
                break;
            case [KubetraceOwner, var folder]:
                var serve = await FreePorts.StartOnFreshAsync(1, async port =>
                {
                    var config = Path.Combine(folder, "serve.yaml");
                    await File.WriteAllTextAsync(config, new TestServiceConfig(port[0]).Exporter("nop", "").Yaml);
                    return await KubetraceProcess.StartAsync(config, [("127.0.0.1", port[0])]);
                });
                Console.WriteLine($"{serve.Id} {folder}");
                break;
            default:
                await Console.Error.WriteLineAsync($"usage: Kubetrace.Tests {ClickHouseOwner} | {KubetraceOwner} FOLDER");
                return 2;
        }
        await Task.Delay(Timeout.Infinite);
        return 0;
    }
}
