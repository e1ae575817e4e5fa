using System.CommandLine;
using Kubetrace.Cli;

namespace Kubetrace.Tests.Config;

/// <summary><c>kubetrace validate</c>: exit codes and what it prints.</summary>
public class ValidateCommandTests
{
    private static async Task<(int Code, string Output, string Error)> RunAsync(params string[] args)
    {
        var root = new RootCommand { ValidateCommand.Create(new TestWorld().Catalog) };
        var output = new StringWriter();
        var error = new StringWriter();
        var parse = root.Parse(args);
        var code = await parse.InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
        return (parse.Errors.Count > 0 ? ExitCodes.Usage : code, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task A_valid_file_exits_0_and_says_so_with_its_warnings()
    {
        var (code, output, error) = await RunAsync("validate", TestData.PathOf("full.yaml"));

        Assert.Equal(0, code);
        Assert.Equal("config is valid\n", output.ReplaceLineEndings("\n"));
        Assert.Equal($"warning: {TestData.PathOf("full.yaml")}:8:3: receivers::otlp/unused: defined but not used by any pipeline, so it will not run\n",
            error.ReplaceLineEndings("\n"));
    }

    [Fact]
    public async Task An_invalid_file_given_with_config_exits_1_and_prints_every_error()
    {
        var path = TestData.PathOf("errors/undefined_reference.yaml");

        var (code, output, error) = await RunAsync("validate", "--config", path);

        Assert.Equal(1, code);
        Assert.Empty(output);
        Assert.Equal(
            $"{path}:9:20: service::pipelines::traces::processors: processor \"batch\" is not defined under \"processors\"\n"
            + $"{path}:10:26: service::pipelines::traces::exporters: exporter \"otlp/backend\" is not defined under \"exporters\"\n",
            error.ReplaceLineEndings("\n"));
    }

    [Fact]
    public async Task Without_a_file_it_is_a_usage_error()
    {
        var (code, _, error) = await RunAsync("validate");

        Assert.Equal(2, code);
        Assert.Contains("give the configuration file to check: kubetrace validate FILE", error);
    }
}
