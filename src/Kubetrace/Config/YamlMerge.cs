using YamlDotNet.RepresentationModel;

namespace Kubetrace.Config;

/// <summary>
/// Merges configuration files as the Collector does with several <c>--config</c> flags: mappings merge key by key,
/// recursively; anything else (scalars, lists) in the later file replaces the earlier value.
/// </summary>
public static class YamlMerge
{
    /// <summary>Merges <paramref name="overlay"/> into <paramref name="target"/> and returns <paramref name="target"/>.</summary>
    public static YamlMappingNode Into(YamlMappingNode target, YamlMappingNode overlay)
    {
        foreach (var (key, value) in overlay.Children)
        {
            var text = YamlNodes.KeyText(key);
            if (text is not null && YamlNodes.TryGetChild(target, text, out var existingKey, out var existing))
            {
                if (existing is YamlMappingNode existingMapping && value is YamlMappingNode overlayMapping)
                {
                    Into(existingMapping, overlayMapping);
                    continue;
                }
                target.Children.Remove(existingKey);
            }
            target.Children.Add(key, value);
        }
        return target;
    }
}
