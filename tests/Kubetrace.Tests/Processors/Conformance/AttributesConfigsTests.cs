using Kubetrace.Processors.Attributes;

namespace Kubetrace.Tests.Processors.Conformance;

/// <summary>processor/attributesprocessor/testdata/config.yaml: all 19 processors load as in the Collector's config_test.</summary>
public class AttributesConfigsTests
{
    [SkippableFact]
    public void Every_processor_of_the_upstream_testdata_loads()
    {
        var path = CollectorConfigs.FindFile("attributes/config.yaml");
        var (processors, diagnostics) = CollectorConfigs.Load(path);

        Assert.Empty(diagnostics.Errors);
        Assert.Equal(19, processors.Count);
        var extract = CollectorConfigs.Settings<AttributesConfig>(processors, "attributes/regex_insert").Actions.Single();
        Assert.Equal(("http.url", "extract"), (extract.Key, extract.Action));
        // Logs-only match properties load and are said not to apply to spans.
        Assert.Contains(diagnostics.Warnings, w => w.KeyPath == "processors::attributes/log_body_regexp::include");
    }
}
