using Kubetrace.Tests.Cli;

namespace Kubetrace.Tests.Kubernetes.Deploy;

/// <summary>
/// <c>kubetrace k8s install</c>'s security options as a user types them: what it writes passes <c>kubetrace validate</c>
/// (the Secrets and ConfigMap it names are the user's and declared so), and what cannot work is refused with the reason.
/// </summary>
public sealed class InstallCommandTests : IDisposable
{
    private readonly TempDirectory _folder = new();

    public void Dispose() => _folder.Dispose();

    [Theory]
    [InlineData("--agent-auth", "mtls", "--agent-client-secret", "kubetrace-agent-tls")]
    [InlineData("--agent-auth", "service-account-token", "--query-htpasswd-secret", "kubetrace-query-users")]
    public async Task The_written_objects_name_the_users_secrets_and_pass_validate(params string[] options)
    {
        var output = _folder.File("install");

        var install = await CliRun.RunAsync(["k8s", "install", "--topology", "agent", "--tls-secret", "kubetrace-tls", .. options, "-o", output]);
        var validated = await CliRun.RunAsync("validate", Path.Combine(output, "kubetrace.yaml"));

        Assert.True(install.Code == 0, install.Error);
        Assert.True(validated.Code == 0, validated.Output + validated.Error);
        var manifests = File.ReadAllText(Path.Combine(output, "kubetrace.yaml"));
        Assert.Contains($"kubetrace/user-provided: \"Secret/kubetrace-tls,Secret/{options[3]}\"", manifests.Replace("ConfigMap/kubetrace-sa-jwks,", ""));
        Assert.DoesNotContain("kind: Secret", manifests);
    }

    [Fact]
    public async Task A_retention_in_days_is_written_as_the_configuration_reads_it()
    {
        var output = _folder.File("install-7d");

        var install = await CliRun.RunAsync(["k8s", "install", "--topology", "single", "--retention", "7d", "-o", output]);
        var config = _folder.File("config.yaml");
        File.WriteAllText(config, ConfigMapConfig(File.ReadAllText(Path.Combine(output, "kubetrace.yaml"))));
        var validated = await CliRun.RunAsync("validate", config);

        Assert.True(install.Code == 0, install.Error);
        Assert.True(validated.Code == 0, validated.Output + validated.Error); // a config file takes Go's units: no d
        Assert.Contains("retention: 168h", File.ReadAllText(config));
    }

    /// <summary>The Collector configuration the manifests' ConfigMap holds (its <c>config.yaml: |</c> block).</summary>
    private static string ConfigMapConfig(string manifests)
    {
        var lines = manifests.ReplaceLineEndings("\n").Split('\n');
        var start = Array.FindIndex(lines, l => l.Trim() == "config.yaml: |") + 1;
        Assert.True(start > 0, "no config.yaml in the manifests");
        return string.Join('\n', lines.Skip(start).TakeWhile(l => l.Length == 0 || l.StartsWith("    ", StringComparison.Ordinal)).Select(l => l.Length == 0 ? l : l[4..]));
    }

    [Theory]
    [InlineData(new[] { "--agent-auth", "mtls", "--agent-client-secret", "a" }, "--agent-auth mtls needs --tls-secret: credentials are not sent in plaintext")]
    [InlineData(new[] { "--retention", "7x" }, "--retention: '7x' is not a duration (use e.g. 200ms, 5m, 1h, 7d, 2w)")]
    [InlineData(new[] { "--agent-auth", "tokens" }, "--agent-auth: \"tokens\" is not one of none, mtls, service-account-token")]
    [InlineData(new[] { "--tls-secret", "t", "--agent-auth", "service-account-token", "--service-account-issuer", "http://issuer" }, "--service-account-issuer \"http://issuer\" is not an https URL")]
    public async Task Settings_that_cannot_work_are_refused_with_the_reason(string[] options, string reason)
    {
        var install = await CliRun.RunAsync(["k8s", "install", "--topology", "agent", .. options, "--dry-run"]);

        Assert.NotEqual(0, install.Code);
        Assert.Contains(reason, install.Error + install.Output);
    }
}
