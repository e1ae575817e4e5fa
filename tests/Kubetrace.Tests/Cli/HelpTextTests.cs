namespace Kubetrace.Tests.Cli;

/// <summary>Help shows defaults as users type them, not as .NET prints them.</summary>
public sealed class HelpTextTests
{
    [Theory]
    [InlineData("simulate")]
    [InlineData("bench")]
    public async Task Duration_and_protocol_defaults_read_as_flags_are_written(string command)
    {
        var help = await CliRun.RunAsync(command, "--help");

        Assert.Equal(0, help.Code);
        Assert.Contains("[default: 10s]", help.Output);   // --timeout
        Assert.Contains("[default: grpc]", help.Output);  // --protocol
        Assert.DoesNotMatch(@"\[default: (-?\d+\.)?\d\d:\d\d:\d\d", help.Output);
        Assert.DoesNotContain("[default: Grpc]", help.Output);
    }

    [Theory]
    [InlineData("demo")]
    [InlineData("simulate")]
    [InlineData("serve")]
    [InlineData("bench", "store")]
    [InlineData("bench", "analyze")]
    [InlineData("bench", "soak")]
    [InlineData("search")]
    [InlineData("analyze")]
    public async Task No_help_shows_a_dotnet_time_span_or_enum_name_as_a_default(params string[] command)
    {
        var help = await CliRun.RunAsync([.. command, "--help"]);

        Assert.Equal(0, help.Code);
        // 00:05:00 (a TimeSpan), Healthy or Grpc (an enum member): users type 5m, healthy, grpc.
        Assert.DoesNotMatch(@"\[default: (-?\d+\.)?\d\d:\d\d:\d\d", help.Output);
        Assert.DoesNotMatch(@"\[default: [A-Z][a-z]+[A-Za-z]*\]", help.Output);
    }

    [Fact]
    public async Task A_duration_flag_takes_days_and_names_the_grammar_when_wrong()
    {
        var result = await CliRun.RunAsync("simulate", "--duration", "a while");

        Assert.NotEqual(0, result.Code);
        Assert.Contains("--duration: 'a while' is not a duration (use e.g. 200ms, 5m, 1h, 7d, 2w)", result.Error + result.Output);
    }
}
