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

    [Theory]
    [InlineData(new[] { "--agent-auth", "mtls", "--agent-client-secret", "a" }, "--agent-auth mtls needs --tls-secret: credentials are not sent in plaintext")]
    [InlineData(new[] { "--agent-auth", "tokens" }, "--agent-auth: \"tokens\" is not one of none, mtls, service-account-token")]
    [InlineData(new[] { "--tls-secret", "t", "--agent-auth", "service-account-token", "--service-account-issuer", "http://issuer" }, "--service-account-issuer \"http://issuer\" is not an https URL")]
    public async Task Settings_that_cannot_work_are_refused_with_the_reason(string[] options, string reason)
    {
        var install = await CliRun.RunAsync(["k8s", "install", "--topology", "agent", .. options, "--dry-run"]);

        Assert.NotEqual(0, install.Code);
        Assert.Contains(reason, install.Error + install.Output);
    }
}
