namespace Kubetrace.Tests.TestSupport;

/// <summary>
/// The test assembly as a program (<c>dotnet exec Kubetrace.Tests.dll COMMAND</c>): a stand-in for a test process
/// that a test can SIGKILL, to see what the harness leaves behind when a test run is killed.
/// </summary>
internal static class TestHostProgram
{
    /// <summary>Starts a ClickHouse server as a test does, prints its process id and folder, and waits to be killed.</summary>
    public const string ClickHouseOwner = "clickhouse-owner";

    public static async Task<int> Main(string[] args)
    {
        if (args is not [ClickHouseOwner])
        {
            await Console.Error.WriteLineAsync($"usage: Kubetrace.Tests {ClickHouseOwner}");
            return 2;
        }
        var ports = FreePorts.Take(2);
        var server = ClickHouseTestServer.StartProcess(ports[0], ports[1]);
        Console.WriteLine($"{server.ServerProcessId} {server.Folder}");
        await Task.Delay(Timeout.Infinite);
        return 0;
    }
}
