using Kubetrace.Analysis;

namespace Kubetrace.Tests.Analysis;

/// <summary>Labels looked up by their characters: equal text gives the one pooled string.</summary>
public sealed class LabelPoolTests
{
    [Fact]
    public void Equal_characters_give_the_same_string_wherever_they_come_from()
    {
        var fromPath = LabelPool.Get("/api/v1/namespaces/default/label-pool-test-widgets".AsSpan(27));
        var fromKey = LabelPool.Get("/registry/label-pool-test-widgets/x".AsSpan(10, 23));

        Assert.Equal("label-pool-test-widgets", fromPath);
        Assert.Same(fromPath, fromKey);
        Assert.Equal("", LabelPool.Get(""));
    }

    [Fact]
    public void Joined_labels_are_pooled_too_and_long_ones_are_built_all_the_same()
    {
        Assert.Same(LabelPool.Join("label-pool-config", '/', "hook.example.com"), LabelPool.Join("label-pool-config", '/', "hook.example.com"));
        Assert.Equal("pods/status", LabelPool.Join("pods", '/', "status"));
        var long1 = new string('a', 400);
        var long2 = new string('b', 400);
        Assert.Equal(long1 + "/" + long2, LabelPool.Join(long1, '/', long2));
    }
}
