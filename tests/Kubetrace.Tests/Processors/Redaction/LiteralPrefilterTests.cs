using Kubetrace.Processors.Redaction;

namespace Kubetrace.Tests.Processors.Redaction;

/// <summary>The preset's literal prefilter answers exactly "does the text contain one of the literals, in any case".</summary>
public class LiteralPrefilterTests
{
    public static TheoryData<string> Texts =>
    [
        "", "GET", "/api/v1/namespaces/default/pods", "https://istiod.istio-system.svc:443/inject?timeout=10s",
        "user@example.com", "Authorization: BEARER abc", "bAsIc", "eyj", "EYJ", "-----begin", "ls0tls1crudjti",
        "TOKEN", "tok en", "Client-Id", "CLIENT_ID", "client.id", "PassWord", "hooks.SLACK.com/x", "hooks-slack-com",
        "e", "=", "@", "a=b", "ear", "earer", "kubelet", "Ünïcode token", "k8s.pod.uid 8d1c-44", new string('x', 5000) + "=",
    ];

    [Theory]
    [MemberData(nameof(Texts))]
    public void Finds_a_literal_in_any_case_exactly_when_one_is_there(string text)
    {
        var prefilter = new LiteralPrefilter(KubernetesPreset.ValueTriggers);

        var expected = KubernetesPreset.ValueTriggers.Any(literal => text.Contains(literal, StringComparison.OrdinalIgnoreCase));

        Assert.Equal(expected, prefilter.ContainsAny(text));
    }

    [Fact]
    public void Single_character_literals_match_either_case()
    {
        var prefilter = new LiteralPrefilter(["k", "=="]);

        Assert.True(prefilter.ContainsAny("K"));
        Assert.True(prefilter.ContainsAny("a==b"));
        Assert.False(prefilter.ContainsAny("a=b"));
    }

    [Fact]
    public void An_empty_literal_is_refused_because_it_would_match_every_text() =>
        Assert.Throws<ArgumentException>(() => new LiteralPrefilter(["token", ""]));
}
