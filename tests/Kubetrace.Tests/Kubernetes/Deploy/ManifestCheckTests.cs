using Kubetrace.Kubernetes.Deploy;
using Kubetrace.Kubernetes.Deploy.Checks;
using Kubetrace.Kubernetes.TracingConfig;

namespace Kubetrace.Tests.Kubernetes.Deploy;

/// <summary>
/// What <c>kubetrace validate</c> finds in a manifest file: each check (object model, Pod Security restricted,
/// references) catches its kind of mistake, reported at the line of the offending key.
/// </summary>
public class ManifestCheckTests
{
    private static readonly string Agent = InstallManifestsTests.Install("agent", "1.31")[0].Content;

    [Fact]
    public void A_misspelt_field_is_an_error_at_its_line_not_silently_dropped()
    {
        var result = Check(ReplaceFirst(Agent, "readOnlyRootFilesystem: true", "readOnlyRootFilesytem: true"));

        var error = Assert.Single(result.Errors);
        Assert.Equal(LineOf(Agent, "readOnlyRootFilesystem: true"), error.Line);
        Assert.Contains("V1SecurityContext", error.Message);
    }

    [Fact]
    public void A_value_of_the_wrong_type_is_an_error()
    {
        var result = Check(Agent.Replace("containerPort: 4318", "containerPort: port-4318"));

        Assert.Contains(result.Errors, e => e.Message.Contains("does not read as V1DaemonSet"));
    }

    [Theory]
    [InlineData("allowPrivilegeEscalation: false", "allowPrivilegeEscalation: true", "allowPrivilegeEscalation must be false")]
    [InlineData("drop: [ALL]", "drop: [NET_RAW]", "capabilities must drop ALL")]
    [InlineData("protocol: TCP\n            - name: metrics", "protocol: TCP\n              hostPort: 4318\n            - name: metrics", "hostPort 4318 is not allowed")]
    [InlineData("      automountServiceAccountToken: false\n", "      automountServiceAccountToken: false\n      hostNetwork: true\n", "hostNetwork must be unset or false")]
    [InlineData("type: RuntimeDefault", "type: Unconfined", "a seccomp profile (RuntimeDefault or Localhost) must be set")]
    [InlineData("          emptyDir: {}\n        - name: data", "          hostPath:\n            path: /var/lib/kubetrace\n        - name: data", "hostPath volumes are not allowed")]
    [InlineData("        runAsNonRoot: true\n        runAsUser: 10001", "        runAsUser: 0", "must not run as user 0")]
    [InlineData("        runAsNonRoot: true\n        runAsUser: 10001", "        runAsUser: 10001", "", "runAsNonRoot: true\n            capabilities", "capabilities", "runAsNonRoot must be true")]
    public void Each_pod_security_restricted_rule_is_enforced(string find, string replace, string expected, string? find2 = null, string? replace2 = null, string? expected2 = null)
    {
        var broken = ReplaceFirst(Agent, find, replace);
        if (find2 is not null)
        {
            broken = ReplaceFirst(broken, find2, replace2!);
            expected = expected2!;
        }

        var result = Check(broken);

        Assert.Contains(result.Errors, e => e.Message.Contains("Pod Security restricted") && e.Message.Contains(expected));
    }

    [Theory]
    [InlineData("            name: kubetrace-agent\n", "            name: kubetrace-agents\n", "ConfigMap kubetrace-agents is neither in this file nor declared as made by the user")]
    [InlineData("              port: health\n            periodSeconds: 5", "              port: healthz\n            periodSeconds: 5", "readinessProbe uses port healthz, which the container does not name")]
    [InlineData("      targetPort: otlp-http", "      targetPort: otlp-https", "port otlp-https is not a port of the pods it selects")]
    [InlineData("      serviceAccountName: kubetrace", "      serviceAccountName: kubetrace-sa", "ServiceAccount kubetrace-sa is not in this file")]
    [InlineData("            - name: tmp\n              mountPath: /tmp", "            - name: scratch\n              mountPath: /tmp", "mounts volume scratch, which the pod does not declare")]
    public void References_must_exist_in_the_same_file(string find, string replace, string expected)
    {
        var result = Check(ReplaceFirst(Agent, find, replace));

        Assert.Contains(result.Errors, e => e.Message.Contains(expected));
    }

    /// <summary>The agent topology over mTLS with basic authentication on the query ports: three Secrets the user makes.</summary>
    private static readonly string Secured = ClusterManifests.Render(new InstallRequest(InstallTopology.Agent, KubernetesVersion.Of(31),
        Security: new InstallSecurity("kubetrace-tls", AgentAuthentication.Mtls, "kubetrace-agent-tls", QueryHtpasswdSecret: "kubetrace-query-users")));

    [Fact]
    public void Secrets_the_user_makes_are_accepted_when_the_pod_template_declares_them()
    {
        var result = Check(Secured);

        Assert.Empty(result.Errors);
        Assert.DoesNotContain("kind: Secret", Secured);
    }

    [Theory]
    [InlineData("Secret/kubetrace-agent-tls", "Secret kubetrace-agent-tls", "DaemonSet kubetrace/kubetrace-agent")]
    [InlineData("Secret/kubetrace-query-users", "Secret kubetrace-query-users", "StatefulSet kubetrace/kubetrace-gateway")]
    public void A_secret_neither_in_the_file_nor_declared_as_the_users_is_an_error_naming_it(string declared, string named, string workload)
    {
        var undeclared = Secured.Replace("," + declared, "").Replace(declared + ",", "");

        var result = Check(undeclared);

        var error = Assert.Single(result.Errors);
        Assert.Contains($"{workload}: {named} is neither in this file nor declared as made by the user " +
                        $"(pod template annotation kubetrace/user-provided: \"{declared}\")", error.Message);
    }

    [Fact]
    public void A_misspelt_secret_name_in_a_projected_volume_is_an_error_although_the_right_one_is_declared()
    {
        var misspelt = ReplaceFirst(Secured, "          name: kubetrace-agent-tls", "          name: kubetrace-agent-tsl");

        var result = Check(misspelt);

        var error = Assert.Single(result.Errors);
        Assert.Contains("Secret kubetrace-agent-tsl is neither in this file nor declared", error.Message);
        Assert.Equal(LineOf(misspelt, "name: kubetrace-agent-tsl"), error.Line);
    }

    [Fact]
    public void A_kind_the_model_does_not_know_is_an_error()
    {
        var result = Check(Agent + "---\napiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n");

        Assert.Contains(result.Errors, e => e.Message.Contains("example.com/v1 Widget is not a Kubernetes kind"));
    }

    private static Kubetrace.Kubernetes.TracingConfig.ComponentConfigValidation Check(string yaml) => ManifestCheck.Validate(yaml, "kubetrace.yaml");

    private static string ReplaceFirst(string text, string find, string replace)
    {
        var at = text.IndexOf(find, StringComparison.Ordinal);
        Assert.True(at >= 0, $"\"{find}\" is not in the manifests");
        return text[..at] + replace + text[(at + find.Length)..];
    }

    private static int LineOf(string text, string find) => text[..text.IndexOf(find, StringComparison.Ordinal)].Count(c => c == '\n') + 1;
}
