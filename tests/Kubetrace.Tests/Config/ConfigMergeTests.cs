using Kubetrace.Components;
using Kubetrace.Config;

namespace Kubetrace.Tests.Config;

/// <summary>Several --config files: mappings merge, later values win, and errors name the file they are in.</summary>
public class ConfigMergeTests
{
    [Fact]
    public void Later_files_add_keys_and_replace_values_and_errors_name_their_file()
    {
        var loader = new ConfigLoader(new TestWorld().Catalog, _ => null);
        var baseFile = TestData.PathOf("merge_base.yaml");
        var overrideFile = TestData.PathOf("merge_override.yaml");

        var result = loader.LoadFiles([baseFile, overrideFile]);

        Assert.Equal(
            [$"{overrideFile}:8:14: exporters::otlp::timeout: invalid duration \"1 minute\" (use e.g. 5s, 200ms)"],
            result.Errors.Select(e => e.ToString()));
    }

    [Fact]
    public void Mappings_merge_key_by_key_and_lists_are_replaced()
    {
        var loader = new ConfigLoader(new TestWorld().Catalog, _ => null);
        var overrideYaml = File.ReadAllText(TestData.PathOf("merge_override.yaml")).Replace("1 minute", "1m");
        var overrideFile = Path.Combine(Path.GetTempPath(), $"kubetrace-merge-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(overrideFile, overrideYaml);
        try
        {
            var result = loader.LoadFiles([TestData.PathOf("merge_base.yaml"), overrideFile]);

            Assert.True(result.IsValid, string.Join("\n", result.Errors));
            var receiver = (TestReceiverConfig)result.Config!.Receivers[new ComponentId("otlp", "")].Settings;
            Assert.Equal("0.0.0.0:4317", receiver.Protocols.Grpc!.Endpoint); // from the first file
            Assert.NotNull(receiver.Protocols.Http); // added by the second
            var exporter = (TestExporterConfig)result.Config.Exporters[new ComponentId("otlp", "")].Settings;
            Assert.Equal("backend:4317", exporter.Endpoint);
            Assert.Equal(["c"], exporter.Tags);
            Assert.Equal(TimeSpan.FromMinutes(1), exporter.Timeout);
        }
        finally
        {
            File.Delete(overrideFile);
        }
    }

    [Fact]
    public void Set_overrides_apply_over_the_files()
    {
        var loader = new ConfigLoader(new TestWorld().Catalog, _ => null);

        var result = loader.LoadFiles([TestData.PathOf("merge_base.yaml")],
            ["exporters::otlp::timeout=2s", "exporters::otlp::tags=[x, y]", "receivers::otlp::protocols::http="]);

        Assert.True(result.IsValid, string.Join("\n", result.Errors));
        var exporter = (TestExporterConfig)result.Config!.Exporters[new ComponentId("otlp", "")].Settings;
        Assert.Equal(TimeSpan.FromSeconds(2), exporter.Timeout);
        Assert.Equal(["x", "y"], exporter.Tags);
        Assert.NotNull(((TestReceiverConfig)result.Config.Receivers[new ComponentId("otlp", "")].Settings).Protocols.Http);
    }

    [Fact]
    public void Bad_set_overrides_are_reported_by_their_expression()
    {
        var loader = new ConfigLoader(new TestWorld().Catalog, _ => null);

        var result = loader.LoadFiles([TestData.PathOf("merge_base.yaml")], ["exporters::otlp::timeout=soon", "nonsense"]);

        Assert.Equal(
            [
                "--set exporters::otlp::timeout=soon: exporters::otlp::timeout: invalid duration \"soon\" (use e.g. 5s, 200ms)",
                "--set nonsense: expected key::path=value, e.g. --set processors::batch::timeout=2s",
            ],
            result.Errors.Select(e => e.ToString()).Order());
    }
}
