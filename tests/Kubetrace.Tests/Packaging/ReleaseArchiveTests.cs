using System.Diagnostics;

namespace Kubetrace.Tests.Packaging;

/// <summary>
/// The release archives of <c>scripts/release.sh</c> (self-contained, single file): the linux-x64 one, unpacked as a
/// user would, holds a <c>kubetrace</c> that names its version and serves until SIGTERM without a .NET installed
/// beside it. Only linux-x64 is built here: the linux-arm64 publish is the same command for another runtime, and
/// its binary cannot run on this machine.
/// </summary>
public sealed class ReleaseArchiveTests
{
    [Fact]
    public async Task The_linux_x64_archive_holds_a_kubetrace_that_names_its_version_and_serves()
    {
        using var folder = new TempDirectory();
        var release = await ReleaseBuilds.RunScriptAsync("release.sh", "--out", folder.Path, "linux-x64");
        Assert.True(release.Code == 0, $"release.sh failed ({release.Code}):\n{release.Output}");

        var version = FileVersionInfo.GetVersionInfo(RepoPaths.KubetraceDll).ProductVersion!.Split('+')[0];
        var archive = folder.File($"kubetrace-{version}-linux-x64.tar.gz");
        Assert.True(File.Exists(archive), $"no {Path.GetFileName(archive)} in {string.Join(", ", Directory.GetFiles(folder.Path).Select(Path.GetFileName))}");
        Assert.Contains(Path.GetFileName(archive), await File.ReadAllTextAsync(folder.File("SHA256SUMS")));
        var unpack = await CommandLine.RunAsync("tar", ["-C", folder.Path, "-xzf", archive]);
        Assert.True(unpack.Code == 0, $"tar failed: {unpack.Output}");
        var binary = folder.File($"kubetrace-{version}-linux-x64/kubetrace");

        var printed = await CommandLine.RunAsync(binary, ["--version"]);
        Assert.Equal(0, printed.Code);
        Assert.StartsWith(version + "+", printed.Stdout.Trim());

        var config = folder.File("config.yaml");
        // Ports chosen again when one was taken between the choice and the archive's server binding it.
        var (started, ports) = await FreePorts.StartOnFreshAsync(3, async ports =>
        {
            await new TestServiceConfig().OtlpHttp(ports[1], grpcPort: ports[0]).Exporter("debug")
                .Extension("health_check", $"endpoint: 127.0.0.1:{ports[2]}").WriteToAsync(config);
            return (await KubetraceProcess.StartCommandAsync(binary, ["serve", "--config", config], [.. ports.Select(port => ("127.0.0.1", port))]), ports);
        });
        await using var server = started;
        await server.WaitUntilHealthyAsync(new Uri($"http://127.0.0.1:{ports[2]}/"));
        var health = await CommandLine.RunAsync(binary, ["healthcheck", "--url", $"http://127.0.0.1:{ports[2]}/"]);
        Assert.True(health.Code == 0, $"the archive's health check failed ({health.Code}): {health.Output}");
        await server.StopCleanlyAsync();
    }
}
