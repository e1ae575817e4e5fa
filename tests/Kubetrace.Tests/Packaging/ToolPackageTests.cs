namespace Kubetrace.Tests.Packaging;

/// <summary>
/// The README's way to get a <c>kubetrace</c> command: <c>scripts/install-tool.sh</c> packs Kubetrace as a .NET tool and
/// installs it from the local folder; the installed command runs.
/// </summary>
public sealed class ToolPackageTests
{
    [Fact]
    public async Task The_install_script_makes_a_kubetrace_command_that_runs()
    {
        var toolPath = Directory.CreateTempSubdirectory("kubetrace-tool-").FullName;
        try
        {
            var install = await ReleaseBuilds.RunScriptAsync("install-tool.sh", "--tool-path", toolPath);
            Assert.True(install.Code == 0, $"install-tool.sh failed ({install.Code}):\n{install.Output}");

            var version = await CommandLine.RunAsync(Path.Combine(toolPath, "kubetrace"), ["version"]);
            var help = await CommandLine.RunAsync(Path.Combine(toolPath, "kubetrace"), ["--help"]);

            Assert.Equal(0, version.Code);
            Assert.StartsWith("kubetrace 0.", version.Output);
            Assert.Contains("demo", help.Output);
            Assert.Contains("serve", help.Output);
        }
        finally
        {
            Directory.Delete(toolPath, recursive: true);
        }
    }
}
