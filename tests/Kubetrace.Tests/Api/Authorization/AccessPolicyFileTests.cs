using Kubetrace.Api.Authorization;
using Kubetrace.Config;
using Kubetrace.Extensions.Auth;

namespace Kubetrace.Tests.Api.Authorization;

/// <summary>The policy file: who it names, what it grants, and every mistake reported with line and key.</summary>
public sealed class AccessPolicyFileTests : IDisposable
{
    private readonly TempDirectory _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void A_principal_gets_the_union_of_the_rules_naming_it_by_subject_group_or_claim()
    {
        var policy = AccessPolicyFile.Parse("""
            readers:
              - groups: [team-a-devs]
                namespaces: [team-a, "team-a-*"]
              - claims:
                  kubernetes.io/serviceaccount/namespace: ci
                namespaces: [ci]
                tenant: ci
              - subjects: [ops]
                cluster: true
            """, "policy.yaml");
        var principal = new Principal("ops", ["team-a-devs"], new Dictionary<string, IReadOnlyList<string>>
        {
            ["kubernetes.io/serviceaccount/namespace"] = ["ci"],
        });

        var grant = policy.GrantOf(principal);

        Assert.False(grant.All);
        Assert.Equal("ci", grant.Tenant);
        Assert.True(grant.Allows("team-a") && grant.Allows("team-a-staging") && grant.Allows("ci") && grant.Allows(""));
        Assert.False(grant.Allows("team-ab") || grant.Allows("team-b") || grant.Allows("xteam-a"));
        Assert.True(policy.GrantOf(Principal.Named("stranger")).IsNothing);
    }

    [Theory]
    [InlineData("readers:\n  - subjects: [a]\n    namespaces: [Team_A]\n", "policy.yaml:3:18: readers[0]::namespaces: \"Team_A\": 'T' cannot appear")]
    [InlineData("readers:\n  - subjects: [a]\n    namespace: [team-a]\n", "policy.yaml:3:5: readers[0]::namespace: unknown key (did you mean \"namespaces\"?)")]
    [InlineData("readers:\n  - subjects: [a]\n", "policy.yaml:2:5: readers[0]: grants nothing")]
    [InlineData("readers:\n  - namespaces: [a]\n", "policy.yaml:2:5: readers[0]: names no one")]
    [InlineData("readers:\n  - subjects: [a]\n    all: yes\n", "policy.yaml:3:10: readers[0]::all: expected true or false")]
    [InlineData("readers:\n  - subjects: [a]\n    all: true\n    cluster: true\n", "policy.yaml:2:5: readers[0]: all: true already grants")]
    [InlineData("readers: [\n", "policy.yaml:2:1: invalid YAML")]
    public void A_bad_policy_names_file_line_and_key(string text, string expected)
    {
        var error = Assert.Throws<InvalidDataException>(() => AccessPolicyFile.Parse(text, "policy.yaml"));

        Assert.StartsWith(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bad_policy_file_is_a_configuration_error_naming_the_key_and_the_files_line()
    {
        var policy = Path.Combine(_folder.Path, "policy.yaml");
        File.WriteAllText(policy, "readers:\n  - subjects: [alice]\n    namespaces: [team-a]\n  - subjects: [bob]\n    clustr: true\n");
        var result = new TestServiceConfig()
            .OtlpHttp()
            .Exporter("kubetrace", $"path: {Path.Combine(_folder.Path, "data")}")
            .Extension("bearertokenauth", "token: t")
            .Extension("kubetrace_query", $"""
                auth:
                  authenticator: bearertokenauth
                authorization:
                  policy_file: {policy}
                """)
            .Load();

        Assert.False(result.IsValid);
        var error = Assert.Single(result.Errors).ToString();
        Assert.StartsWith("config.yaml:15:20: extensions::kubetrace_query::authorization::policy_file: is not a valid policy", error, StringComparison.Ordinal);
        Assert.Contains($"{policy}:5:5: readers[1]::clustr: unknown key (did you mean \"cluster\"?)", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Authorization_without_an_authenticator_is_a_configuration_error()
    {
        var policy = Path.Combine(_folder.Path, "policy.yaml");
        File.WriteAllText(policy, "readers:\n  - subjects: [alice]\n    all: true\n");
        var result = new TestServiceConfig()
            .OtlpHttp()
            .Exporter("kubetrace", $"path: {Path.Combine(_folder.Path, "data")}")
            .Extension("kubetrace_query", $"authorization:\n  policy_file: {policy}")
            .Load();

        Assert.Contains("needs auth:", Assert.Single(result.Errors).ToString(), StringComparison.Ordinal);
    }
}
