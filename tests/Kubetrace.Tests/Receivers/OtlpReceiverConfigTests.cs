using Kubetrace.Components;
using Kubetrace.Config;
using Kubetrace.Hosting;
using Kubetrace.Receivers.Otlp;

namespace Kubetrace.Tests.Receivers;

public class OtlpReceiverConfigTests
{
    /// <summary>A config whose <c>otlp</c> receiver has <paramref name="otlp"/> as its keys.</summary>
    private static ConfigLoadResult Load(string otlp) => new TestServiceConfig().Receiver("otlp", otlp).Exporter("nop").Load(fileName: "test.yaml");

    private static OtlpReceiverConfig Receiver(ConfigLoadResult result)
    {
        Assert.True(result.IsValid, string.Join("\n", result.Errors));
        return (OtlpReceiverConfig)result.Config!.Receivers[new ComponentId("otlp", "")].Settings;
    }

    [Fact]
    public void The_seed_config_enables_grpc_with_the_collector_defaults_and_leaves_http_off()
    {
        var config = Receiver(Load("""
                protocols:
                  grpc:
                """));

        var grpc = config.Protocols.Grpc!;
        Assert.Equal("localhost:4317", grpc.Endpoint);
        Assert.Equal(4, grpc.MaxRecvMsgSizeMib);
        Assert.False(grpc.IncludeMetadata);
        Assert.Null(config.Protocols.Http);
    }

    [Fact]
    public void Every_collector_key_binds()
    {
        var config = Receiver(Load("""
                protocols:
                  grpc:
                    endpoint: 0.0.0.0:14317
                    max_recv_msg_size_mib: 16
                    max_concurrent_streams: 50
                    max_concurrent_connections: 300
                    keepalive:
                      server_parameters:
                        max_connection_idle: 45s
                    include_metadata: true
                  http:
                    endpoint: "[::1]:14318"
                    traces_url_path: /otlp/v1/traces
                    include_metadata: true
                    max_request_body_size: 1048576
                    read_header_timeout: 5s
                    idle_timeout: 30s
                    max_concurrent_connections: 200
                    cors:
                      allowed_origins: ["https://*.example.com"]
                      allowed_headers: [X-Tenant]
                      max_age: 7200
                admission:
                  request_limit_mib: 64
                """));

        var grpc = config.Protocols.Grpc!;
        Assert.Equal(("0.0.0.0:14317", 16, 50, true), (grpc.Endpoint, grpc.MaxRecvMsgSizeMib, grpc.MaxConcurrentStreams, grpc.IncludeMetadata));
        Assert.Equal(new ConnectionLimits(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(45), 300), grpc.ConnectionLimits);
        Assert.Equal(64, config.Admission.RequestLimitMib);
        var http = config.Protocols.Http!;
        Assert.Equal("[::1]:14318", http.Endpoint);
        Assert.Equal("/otlp/v1/traces", http.TracesUrlPath);
        Assert.True(http.IncludeMetadata);
        Assert.Equal(1048576, http.MaxRequestBodySize);
        Assert.Equal(TimeSpan.FromSeconds(5), http.ReadHeaderTimeout);
        Assert.Equal(new ConnectionLimits(TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(30), 200), http.ConnectionLimits);
        Assert.Equal(["https://*.example.com"], http.Cors!.AllowedOrigins);
        Assert.Equal(["X-Tenant"], http.Cors.AllowedHeaders);
        Assert.Equal(7200, http.Cors.MaxAge);
    }

    [Theory]
    [InlineData("protocols: {}", "must specify at least one protocol")]
    [InlineData("protocols: { grpc: { endpoint: localhost } }", "endpoint \"localhost\" must be host:port")]
    [InlineData("protocols: { grpc: { endpoint: \"localhost:99999\" } }", "invalid port \"99999\"")]
    [InlineData("protocols: { grpc: { max_recv_msg_size_mib: 0 } }", "max_recv_msg_size_mib must be between 1 and 2047")]
    [InlineData("protocols: { http: { traces_url_path: v1/traces } }", "traces_url_path must start with \"/\"")]
    [InlineData("protocols: { grpc: { endpoint: \"127.0.0.1:5000\" }, http: { endpoint: \"127.0.0.1:5000\" } }", "cannot both listen on 127.0.0.1:5000")]
    [InlineData("protocols: { http: { cors: { max_age: -1 } } }", "max_age must not be negative")]
    [InlineData("protocols: { http: { max_concurrent_connections: 0 } }", "max_concurrent_connections must be at least 1")]
    [InlineData("protocols: { grpc: { keepalive: { server_parameters: { max_connection_idle: 0s } } } }", "max_connection_idle must be positive")]
    [InlineData("protocols: { grpc: { max_recv_msg_size_mib: 16 } }\nadmission: { request_limit_mib: 8 }", "less than protocols.grpc.max_recv_msg_size_mib (16 MiB)")]
    [InlineData("protocols: { grpc: }\nadmission: { request_limit_mib: 0 }", "must be positive")]
    public void Invalid_settings_are_reported(string protocols, string expected)
    {
        var result = Load(protocols);

        Assert.False(result.IsValid);
        Assert.Contains(result.Errors, e => e.Message.Contains(expected, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("localhost:4317", "localhost", 4317)]
    [InlineData("0.0.0.0:4317", "0.0.0.0", 4317)]
    [InlineData(":4318", "", 4318)]
    [InlineData("[::]:4317", "::", 4317)]
    [InlineData("collector.kube-system.svc:4317", "collector.kube-system.svc", 4317)]
    public void Endpoints_parse_as_in_the_collector(string text, string host, int port)
    {
        Assert.True(EndpointAddress.TryParse(text, out var address, out var error), error);
        Assert.Equal(new EndpointAddress(host, port), address);
    }
}
