using System.CommandLine;

namespace Kubetrace.Cli;

/// <summary><c>kubetrace validate FILE</c> (or <c>--config FILE</c>, as <c>otelcol validate</c> takes it).</summary>
public static class ValidateCommand
{
    public static Command Create()
    {
        var file = new Argument<string?>("FILE") { Description = "Configuration file to check", Arity = ArgumentArity.ZeroOrOne };
        var config = ConfigOption.Create("Configuration file to check (same as FILE)");
        var command = new Command("validate", "Check a Collector-format configuration and report every error") { file, config };
        command.Validators.Add(result =>
        {
            var fromArgument = result.GetValue(file);
            var fromOption = result.GetValue(config);
            if (fromArgument is null && fromOption is null)
                result.AddError("give the configuration file to check: kubetrace validate FILE");
            else if (fromArgument is not null && fromOption is not null && fromArgument != fromOption)
                result.AddError("give the configuration file either as FILE or with --config, not both");
        });
        command.SetAction(parse =>
        {
            var path = parse.GetValue(file) ?? parse.GetValue(config)!;
            var result = ConfigOption.Load(path);
            if (!result.IsValid)
            {
                ConfigOption.PrintDiagnostics(result, parse.InvocationConfiguration.Error);
                return ExitCodes.Failure;
            }
            ConfigOption.PrintDiagnostics(result, parse.InvocationConfiguration.Error);
            parse.InvocationConfiguration.Output.WriteLine("config is valid");
            return ExitCodes.Ok;
        });
        return command;
    }
}
