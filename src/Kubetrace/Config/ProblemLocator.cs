using YamlDotNet.RepresentationModel;

namespace Kubetrace.Config;

/// <summary>
/// Finds the YAML node a validation problem is about, so that a <see cref="Components.ConfigProblem"/> keyed
/// <c>protocols.grpc.endpoint</c> is reported at that key's line. The walk follows the config types, so a value
/// written under an alias (<c>logLevel</c>) is found by its primary key (<c>log_level</c>). When the key was not
/// written at all (a default failed the check), the nearest written ancestor is used.
/// </summary>
public static class ProblemLocator
{
    public static YamlNode Locate(YamlNode componentKey, YamlNode componentValue, Type configType, string relativeKey)
    {
        YamlNode best = componentKey;
        YamlNode node = componentValue;
        Type type = configType;
        foreach (var segment in KeyPath.Split(relativeKey))
        {
            type = Nullable.GetUnderlyingType(type) ?? type;
            if (node is YamlSequenceNode sequence && int.TryParse(segment, out var index) && index >= 0 && index < sequence.Children.Count)
            {
                node = sequence.Children[index];
                type = type.IsGenericType ? type.GetGenericArguments()[0] : typeof(object);
                best = node;
                continue;
            }
            if (node is not YamlMappingNode mapping || !TryFindChild(mapping, type, segment, out var child, out var childType))
                break;
            node = child;
            type = childType;
            best = YamlNodes.IsNull(node) ? best : node;
        }
        return best;
    }

    private static bool TryFindChild(YamlMappingNode mapping, Type type, string key, out YamlNode child, out Type childType)
    {
        child = null!;
        childType = typeof(object);
        var keys = ConfigKeyMap.For(type);
        if (!keys.TryGet(key, out var wanted))
        {
            // A dictionary or a problem keyed by a name the type does not know: match the text.
            if (!YamlNodes.TryGetChild(mapping, key, out _, out child)) return false;
            childType = type.IsGenericType ? type.GetGenericArguments()[^1] : typeof(object);
            return true;
        }
        foreach (var (keyNode, value) in mapping.Children)
        {
            if (YamlNodes.KeyText(keyNode) is { } text && keys.TryGet(text, out var property) && property == wanted)
            {
                child = value;
                childType = property.PropertyType;
                return true;
            }
        }
        return false;
    }
}
