using System.CommandLine;
using System.CommandLine.Parsing;
using Kubetrace.Cli.Query;

namespace Kubetrace.Cli.Output;

/// <summary>
/// The output options of every command that prints a table: <c>-o/--output table|wide|json|yaml</c> as
/// <c>kubectl</c> has it, <c>--width</c>, and the older <c>--json</c> and <c>--wide</c>, kept as the same as
/// <c>-o json</c> and <c>-o wide</c> (scripts use them). Two of them asking for different formats is a usage error.
/// </summary>
public sealed class OutputOptions
{
    /// <param name="what">What the JSON is, for <c>--json</c>'s help ("the search answer").</param>
    public OutputOptions(string what)
    {
        Json = new Option<bool>("--json") { Description = $"Print {what} as JSON instead of a table (the same as -o json)" };
        Width.Wide.Description += " (the same as -o wide)";
    }

    public Option<OutputFormat?> Output { get; } = new("--output", "-o")
    {
        Description = $"Output format: table (fitted to the terminal, the default), wide (every column whole), json or yaml (the data, for programs)",
        HelpName = string.Join('|', OutputFormats.Names),
        CustomParser = result =>
        {
            var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
            if (OutputFormats.TryParse(text, out var format)) return format;
            result.AddError($"--output: \"{text}\" is not an output format: use {string.Join(", ", OutputFormats.Names)}");
            return null;
        },
    };

    public Option<bool> Json { get; }

    /// <summary><c>--width</c>, and <c>--wide</c> (the same as <c>-o wide</c>).</summary>
    public WidthOptions Width { get; } = new();

    /// <summary>Adds the options to <paramref name="command"/>, with the check that they agree.</summary>
    public void AddTo(Command command)
    {
        command.Options.Add(Output);
        command.Options.Add(Json);
        command.Options.Add(Width.Width);
        command.Options.Add(Width.Wide);
        command.Validators.Add(Agree);
    }

    public OutputFormat Format(ParseResult parse) =>
        parse.GetValue(Output) ?? (parse.GetValue(Json) ? OutputFormat.Json : parse.GetValue(Width.Wide) ? OutputFormat.Wide : OutputFormat.Table);

    /// <summary>The console's width: <see cref="QueryConsole.WideWidth"/> for wide output, <c>--width</c>, or null (decide from the output).</summary>
    public int? ResolveWidth(ParseResult parse) => Format(parse) == OutputFormat.Wide ? QueryConsole.WideWidth : parse.GetValue(Width.Width);

    private void Agree(CommandResult result)
    {
        var asked = new List<(string Flag, OutputFormat Format)>();
        // Read from the token: a value -o refused has its own error, and GetValue would throw it.
        if (result.GetResult(Output) is { Tokens: [var token] } && OutputFormats.TryParse(token.Value, out var format))
            asked.Add(("-o " + OutputFormats.Names[(int)format], format));
        if (result.GetValue(Json)) asked.Add(("--json", OutputFormat.Json));
        if (result.GetValue(Width.Wide)) asked.Add(("--wide", OutputFormat.Wide));
        if (asked.Select(a => a.Format).Distinct().Count() > 1)
            result.AddError($"{string.Join(" and ", asked.Select(a => a.Flag))} ask for different outputs: give one");
    }
}
