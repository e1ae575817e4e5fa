using Kubetrace.Kubernetes.TracingConfig;

namespace Kubetrace.Tests.Kubernetes.TracingConfig;

/// <summary>Broken containerd config.toml tracing sections and etcd flag files, with the exact messages.</summary>
public class ContainerdAndEtcdFilesTests
{
    public static TheoryData<string, string[]> BrokenToml => new()
    {
        {
            // containerd's default protocol is http/protobuf, which wants a URL: host:port needs protocol = "grpc".
            """
            version = 2

            [plugins."io.containerd.tracing.processor.v1.otlp"]
              endpoint = "collector:4317"
              insecure = "yes"

            [plugins."io.containerd.internal.v1.tracng"]
              sampling_ratio = 0.5
            """,
            [
                "config.toml:4:14: plugins::io.containerd.tracing.processor.v1.otlp::endpoint: \"collector:4317\" is not a URL; with protocol \"http/protobuf\" (containerd's default) write e.g. \"http://collector:4317\", or set protocol = \"grpc\" for host:port",
                "config.toml:5:14: plugins::io.containerd.tracing.processor.v1.otlp::insecure: expected true or false, got the string \"yes\"",
                "config.toml:7:1: plugins::io.containerd.internal.v1.tracng: unknown plugin \"io.containerd.internal.v1.tracng\" (did you mean \"io.containerd.internal.v1.tracing\"?); containerd ignores it",
            ]
        },
        {
            """
            version = 2

            [plugins."io.containerd.tracing.processor.v1.otlp"]
              endpoint = "collector:4317"
              protocol = "gRPC"

            [plugins."io.containerd.internal.v1.tracing"]
              sampling_ratio = 100
              servce_name = "containerd"
            """,
            [
                "config.toml:5:14: plugins::io.containerd.tracing.processor.v1.otlp::protocol: expected \"grpc\" or \"http/protobuf\", got the string \"gRPC\"",
                "config.toml:8:20: plugins::io.containerd.internal.v1.tracing::sampling_ratio: expected a ratio from 0.0 to 1.0, got 100",
                "config.toml:9:3: plugins::io.containerd.internal.v1.tracing::servce_name: unknown key \"servce_name\" (did you mean \"service_name\"?)",
            ]
        },
        {
            """
            [plugins."io.containerd.tracing.processor.v1.otlp"]
              protocol = "grpc"
            """,
            [
                "config.toml:1:1: plugins::io.containerd.tracing.processor.v1.otlp: no endpoint: containerd skips the OTLP plugin and sends no traces",
                "config.toml: version: the plugin sections need \"version = 2\" at the top: containerd 1.x reads a file without it as version 1, where these plugin IDs mean nothing",
            ]
        },
        {
            "version = 2\n[plugins.\"io.containerd.internal.v1.tracing\"\n",
            ["config.toml:2:45: invalid TOML: Unexpected token found `␤` (token: `newline`) while expecting `]` (token: `closebracket`)"]
        },
    };

    [Theory]
    [MemberData(nameof(BrokenToml))]
    public void Containerd_tracing_mistakes_are_reported_at_their_line_and_column(string toml, string[] expected)
    {
        var result = ContainerdConfigCheck.Validate(toml, "config.toml");

        Assert.Equal(expected, result.Errors.Select(e => e.ToString()));
    }

    [Fact]
    public void A_containerd_config_with_other_plugins_and_grpc_tracing_is_valid()
    {
        var result = ContainerdConfigCheck.Validate("""
            version = 2
            [plugins."io.containerd.grpc.v1.cri".containerd]
              snapshotter = "overlayfs"
            [plugins."io.containerd.tracing.processor.v1.otlp"]
              endpoint = "http://collector:4318"
            [plugins."io.containerd.internal.v1.tracing"]
              sampling_ratio = 1
            """, "config.toml");

        Assert.True(result.IsValid, string.Join("\n", result.Errors));
        Assert.Empty(result.Warnings);
    }

    public static TheoryData<string, string?, string[]> BrokenFlags => new()
    {
        {
            "--distributed-tracing-address=collector\n--distributed-tracing-sampling-rat=5\n--experimental-enable-distributed-tracing=yes\n",
            "3.7",
            [
                "etcd.flags:1:31: distributed-tracing-address: \"collector\" has no port; gRPC would dial port 443, not OTLP's 4317 (write \"collector:4317\")",
                "etcd.flags:2:1: distributed-tracing-sampling-rat: unknown flag \"--distributed-tracing-sampling-rat\" (did you mean \"distributed-tracing-sampling-rate\"?)",
                "etcd.flags:3:1: experimental-enable-distributed-tracing: etcd 3.7 removed --experimental-enable-distributed-tracing; use --enable-distributed-tracing",
                "etcd.flags:3:43: experimental-enable-distributed-tracing: expected true or false, got \"yes\"",
            ]
        },
        {
            "--enable-distributed-tracing=true\n--distributed-tracing-sampling-rate=1000001\n",
            "3.5",
            [
                "etcd.flags:1:1: enable-distributed-tracing: etcd 3.5 does not know --enable-distributed-tracing; it arrived in 3.6 (3.5 has --experimental-enable-distributed-tracing)",
                "etcd.flags:2:1: distributed-tracing-sampling-rate: etcd 3.5 does not know --distributed-tracing-sampling-rate; it arrived in 3.6 (3.5 has --experimental-distributed-tracing-sampling-rate)",
                "etcd.flags:2:37: distributed-tracing-sampling-rate: 1000001 is out of range: from 0 to 1000000 (etcd refuses to start)",
            ]
        },
        {
            "--experimental-enable-distributed-tracing=true\n--experimental-distributed-tracing-sampling-rate=100\n",
            "3.5.9",
            [
                "etcd.flags:2:1: experimental-distributed-tracing-sampling-rate: etcd 3.5.9 does not know --experimental-distributed-tracing-sampling-rate; it arrived in 3.5.11 (before, etcd samples without a rate: ParentBased(NeverSample): it records exactly the requests whose apiserver trace was sampled)",
            ]
        },
    };

    [Theory]
    [MemberData(nameof(BrokenFlags))]
    public void Etcd_flag_mistakes_are_reported_for_the_release(string flags, string? release, string[] expected)
    {
        ComponentVersion? version = release is null ? null : ComponentVersion.TryParse(release, out var parsed) ? parsed : null;

        Assert.True(EtcdFlagsCheck.IsEtcdFlagsFile(flags));
        var result = EtcdFlagsCheck.Validate(flags, "etcd.flags", version);

        Assert.Equal(expected, result.Errors.Select(e => e.ToString()));
    }

    [Fact]
    public void Etcd_36_accepts_the_old_names_with_a_deprecation_warning()
    {
        Assert.True(ComponentVersion.TryParse("3.6", out var version));

        var result = EtcdFlagsCheck.Validate("--experimental-enable-distributed-tracing=true\n", "etcd.flags", version);

        Assert.Empty(result.Errors);
        Assert.Equal(
            ["etcd.flags:1:1: experimental-enable-distributed-tracing: --experimental-enable-distributed-tracing is deprecated in etcd 3.6 and removed in 3.7; use --enable-distributed-tracing"],
            result.Warnings.Select(w => w.ToString()));
    }
}
