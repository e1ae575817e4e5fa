using Kubetrace.Config;

namespace Kubetrace.Tests.Config;

/// <summary>Broken configurations and the exact messages a user sees for them (all errors of a file at once).</summary>
public class ConfigErrorTests
{
    private readonly ComponentCatalog _catalog = new TestWorld().Catalog;

    public static TheoryData<string, string[]> BrokenConfigs => new()
    {
        {
            "unknown_key.yaml",
            ["unknown_key.yaml:5:9: receivers::otlp::protocols::grpc::endpont: unknown key \"endpont\" (did you mean \"endpoint\"?)"]
        },
        {
            "bad_duration.yaml",
            ["bad_duration.yaml:7:25: exporters::otlp::retry_on_failure::initial_interval: invalid duration \"5 seconds\" (use e.g. 5s, 200ms)"]
        },
        {
            "unknown_type.yaml",
            ["unknown_type.yaml:3:3: receivers::otlpp: unknown receiver type \"otlpp\" (known: otlp)"]
        },
        {
            "undefined_reference.yaml",
            [
                "undefined_reference.yaml:9:20: service::pipelines::traces::processors: processor \"batch\" is not defined under \"processors\"",
                "undefined_reference.yaml:10:26: service::pipelines::traces::exporters: exporter \"otlp/backend\" is not defined under \"exporters\"",
            ]
        },
        {
            "missing_service.yaml",
            ["missing_service.yaml: service: missing section; it lists the pipelines to run, e.g. service: { pipelines: { traces: { receivers: [otlp], exporters: [debug] } } }"]
        },
        {
            "empty_receivers.yaml",
            ["empty_receivers.yaml:8:18: service::pipelines::traces::receivers: a pipeline needs at least one receiver"]
        },
        {
            "metrics_pipeline.yaml",
            ["metrics_pipeline.yaml:10:5: service::pipelines::metrics: metrics pipelines are not supported by Kubetrace (traces only)"]
        },
        {
            "wrong_type.yaml",
            [
                "wrong_type.yaml:5:32: receivers::otlp::protocols::grpc::max_recv_msg_size_mib: invalid integer \"lots\"",
                "wrong_type.yaml:6:13: receivers::otlp::protocols::http: expected a mapping of keys, got \"localhost:4318\"",
                "wrong_type.yaml:9:16: exporters::debug::verbosity: invalid value \"loud\" (expected one of: basic, normal, detailed)",
                "wrong_type.yaml:10:11: exporters::debug::tags: expected a list, got \"just-one\"",
                "wrong_type.yaml:12:16: exporters::debug::retry_on_failure::enabled: invalid boolean \"yes\" (use true or false)",
            ]
        },
        {
            "invalid_id.yaml",
            [
                "invalid_id.yaml:2:3: receivers::otlp/: invalid component name in \"otlp/\": the name after \"/\" must be non-empty and have no spaces",
                "invalid_id.yaml:3:3: receivers::4otlp: invalid component type \"4otlp\": a type is letters, digits and underscores, starting with a letter",
                "invalid_id.yaml:9:19: service::pipelines::traces::receivers: invalid component name in \"otlp/\": the name after \"/\" must be non-empty and have no spaces",
            ]
        },
        {
            "yaml_syntax.yaml",
            ["yaml_syntax.yaml:4:1: invalid YAML: unexpected end of the input (is a \"[\", \"{\" or quote left open?)"]
        },
        {
            "yaml_indent.yaml",
            ["yaml_indent.yaml:5:6: invalid YAML: while parsing a block mapping, did not find expected key (check the indentation)"]
        },
        {
            "duplicate_key.yaml",
            ["duplicate_key.yaml:5:3: invalid YAML: duplicate key \"debug\""]
        },
        {
            "validation.yaml",
            [
                "validation.yaml:6:26: processors::batch::send_batch_max_size: must be greater than or equal to send_batch_size",
                "validation.yaml:10:21: exporters::debug::retry_on_failure::max_interval: must be at least initial_interval",
            ]
        },
        {
            "range.yaml",
            [
                "range.yaml:5:32: receivers::otlp::protocols::grpc::max_recv_msg_size_mib: value 3000000000 is out of range (-2147483648 to 2147483647)",
                "range.yaml:8:1: connectors: connectors are not supported by Kubetrace (traces-only pipelines feed exporters directly)",
            ]
        },
    };

    [Theory]
    [MemberData(nameof(BrokenConfigs))]
    public void Reports_every_error_with_file_line_column_and_key_path(string file, string[] expected)
    {
        var result = TestData.Load("errors/" + file, _catalog);

        Assert.False(result.IsValid);
        Assert.Null(result.Config);
        Assert.Equal(expected, result.Errors.Select(e => e.ToString()));
    }
}
