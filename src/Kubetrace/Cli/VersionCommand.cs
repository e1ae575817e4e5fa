using System.CommandLine;
using System.Reflection;

namespace Kubetrace.Cli;

public static class VersionCommand
{
    public static string Version =>
        typeof(VersionCommand).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? "0.0.0";

    public static Command Create()
    {
        var command = new Command("version", "Print the Kubetrace version");
        command.SetAction(_ => Console.WriteLine($"kubetrace {Version}"));
        return command;
    }
}
