using System.CommandLine;
using Kubetrace.Config;

namespace Kubetrace.Cli;

/// <summary>
/// A duration flag's value as the user wrote it (<c>300ms</c>, <c>7d</c>) beside its <see cref="TimeSpan"/>, so help
/// shows defaults in the grammar people type (<c>[default: 300ms]</c>, not .NET's <c>00:00:00.3000000</c>).
/// Converts to <see cref="TimeSpan"/> wherever one is expected.
/// </summary>
public readonly record struct CliDuration(TimeSpan Value, string Text)
{
    public override string ToString() => Text;

    public static implicit operator TimeSpan(CliDuration duration) => duration.Value;

    /// <summary>
    /// A <c>--name duration</c> option in the one duration grammar of every flag (Go's units plus <c>d</c> and <c>w</c>,
    /// <see cref="GoDuration.TryParseWithDays"/>), defaulting to <paramref name="defaultValue"/>.
    /// </summary>
    public static Option<CliDuration> Option(string name, string description, string defaultValue) => new(name)
    {
        Description = description,
        HelpName = "duration",
        DefaultValueFactory = _ => GoDuration.TryParseWithDays(defaultValue, out var value)
            ? new CliDuration(value, defaultValue)
            : throw new ArgumentException(defaultValue),
        CustomParser = result =>
        {
            var text = result.Tokens[0].Value;
            if (GoDuration.TryParseWithDays(text, out var value)) return new CliDuration(value, text);
            result.AddError($"{name}: '{text}' is not a duration ({GoDuration.HintWithDays})");
            return default;
        },
    };
}
