using System.Text.RegularExpressions;

namespace Kubetrace.Tests.Cli;

/// <summary>Help shows defaults as users type them, not as .NET prints them, and describes in sentences alike.</summary>
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

    /// <summary>`serve --help` said the built-in configuration was "otlp → batch → debug" while serve runs
    /// otlp → kubetrace, the store and the query APIs (Config/DefaultConfig, README).</summary>
    [Fact]
    public async Task Serve_help_names_the_pipeline_it_runs_without_a_config()
    {
        var help = await CliRun.RunAsync("serve", "--help");

        Assert.Equal(0, help.Code);
        Assert.Contains("otlp → kubetrace", help.Output);
        Assert.DoesNotContain("debug", help.Output);
    }

    /// <summary>`validate --etcd-version` read "The For an etcd flags file: the etcd release" in help, and a wrong
    /// value "is not a For an etcd flags file: the etcd release".</summary>
    [Fact]
    public async Task Validate_etcd_version_reads_as_a_sentence_in_help_and_in_its_error()
    {
        var help = await CliRun.RunAsync("validate", "--help");
        var wrong = await CliRun.RunAsync("validate", "--etcd-version", "x", "--config", "none.yaml");

        Assert.Contains("For an etcd flags file: the etcd release [default: what holds for every release]", help.Output);
        Assert.Contains("--etcd-version: \"x\" is not an etcd release such as 3.5", wrong.Error + wrong.Output);
    }

    [Fact]
    public async Task A_duration_flag_takes_days_and_names_the_grammar_when_wrong()
    {
        var result = await CliRun.RunAsync("simulate", "--duration", "a while");

        Assert.NotEqual(0, result.Code);
        Assert.Contains("--duration: 'a while' is not a duration (use e.g. 200ms, 5m, 1h, 7d, 2w)", result.Error + result.Output);
    }

    /// <summary>
    /// Every command's help, the root's and each subcommand's found from its parent's list, describes each command,
    /// argument and option as System.CommandLine describes its own (<c>Show help and usage information</c>): a phrase
    /// that starts with a capital letter, so `demo --help` no longer mixes "Simulated apiserver requests per second"
    /// with "query API port" and "show no progress".
    /// </summary>
    [Fact]
    public async Task Every_command_argument_and_option_is_described_starting_with_a_capital()
    {
        var lowercase = new List<string>();
        var seen = 0;
        var pending = new Queue<string[]>([[]]);
        while (pending.TryDequeue(out var command))
        {
            var help = await CliRun.RunAsync([.. command, "--help"]);
            Assert.Equal(0, help.Code);
            seen++;
            string? section = null;
            foreach (var line in help.Lines)
            {
                if (line.Length > 0 && line[0] != ' ') section = line.TrimEnd(':');
                // A name (an option with its aliases and value), two spaces or more, its description; a description
                // wrapped onto more lines continues further right.
                if (section is not ("Commands" or "Arguments" or "Options") || Regex.Match(line, @"^  (\S.*?)\s{2,}(\S.*)$") is not { Success: true } entry) continue;
                var (name, description) = (entry.Groups[1].Value, entry.Groups[2].Value);
                if (char.IsLower(description[0])) lowercase.Add($"kubetrace {string.Join(' ', command)} {name}: {description}");
                if (section == "Commands") pending.Enqueue([.. command, name.Split(' ')[0]]);
            }
        }
        Assert.True(seen > 20, $"only {seen} commands' help read");
        Assert.True(lowercase.Count == 0, $"{lowercase.Count} descriptions start lowercase:\n{string.Join('\n', lowercase)}");
    }
}
