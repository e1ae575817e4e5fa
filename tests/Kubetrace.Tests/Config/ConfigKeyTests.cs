using Kubetrace.Config;

namespace Kubetrace.Tests.Config;

public class ConfigKeyTests
{
    [Theory]
    [InlineData("SendBatchMaxSize", "send_batch_max_size")]
    [InlineData("Endpoint", "endpoint")]
    [InlineData("HTTPEndpoint", "http_endpoint")]
    [InlineData("TLS", "tls")]
    [InlineData("Http2Enabled", "http2_enabled")]
    public void Keys_are_the_snake_case_of_property_names(string property, string key)
    {
        Assert.Equal(key, ConfigKeyMap.ToSnakeCase(property));
    }

    [Theory]
    [InlineData("endpont", "endpoint")]
    [InlineData("logLevel", "log_level")]
    [InlineData("send_batch_sise", "send_batch_size")]
    [InlineData("completely_else", null)]
    public void Suggests_the_closest_known_key(string given, string? expected)
    {
        Assert.Equal(expected, KeySuggestion.Closest(given, ["endpoint", "log_level", "send_batch_size", "timeout"]));
    }
}
