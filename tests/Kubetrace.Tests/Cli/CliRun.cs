using System.CommandLine;
using Kubetrace.Cli;

namespace Kubetrace.Tests.Cli;

/// <summary>What one <c>kubetrace</c> command line printed and returned.</summary>
internal sealed record CliResult(int Code, string Output, string Error)
{
    public string[] Lines => Output.ReplaceLineEndings("\n").TrimEnd('\n').Split('\n');
}

/// <summary>
/// Runs a command line as <c>Program</c> does, with the output captured: a writer that is not the terminal gets
/// plain text without colour, and <c>--width</c> fixes the columns, so what is asserted is what a user would read.
/// </summary>
internal static class CliRun
{
    public static async Task<CliResult> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await KubetraceCommand.RunAsync(args, new InvocationConfiguration { Output = output, Error = error });
        return new CliResult(code, output.ToString(), error.ToString());
    }
}
