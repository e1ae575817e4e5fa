using System.Collections;
using System.Reflection;
using YamlDotNet.RepresentationModel;

namespace Kubetrace.Config;

/// <summary>
/// Binds a YAML node onto a config object that already holds its defaults, by the convention in TEAM.md: keys are
/// snake_case property names (or <see cref="ConfigKeyAttribute"/>), nested classes are sections, an empty section
/// (<c>grpc:</c>) means "enabled with defaults", an absent key keeps the default. Every problem is reported to
/// <see cref="ConfigDiagnostics"/> with its node and key path and binding goes on, so one run shows all errors.
/// </summary>
public sealed class ConfigBinder(ConfigDiagnostics diagnostics)
{
    /// <summary>Binds the keys of <paramref name="node"/> onto <paramref name="target"/>; a null node keeps every default.</summary>
    public void BindObject(YamlNode node, object target, string path)
    {
        if (YamlNodes.IsNull(node)) return;
        if (node is not YamlMappingNode mapping)
        {
            diagnostics.Error(node, path, $"expected a mapping of keys, got {YamlNodes.Describe(node)}");
            return;
        }

        var keys = ConfigKeyMap.For(target.GetType());
        var seen = new Dictionary<PropertyInfo, string>();
        foreach (var (keyNode, valueNode) in mapping.Children)
        {
            var key = YamlNodes.KeyText(keyNode) ?? "";
            var keyPath = KeyPath.Join(path, key);
            if (!keys.TryGet(key, out var property))
            {
                diagnostics.Error(keyNode, keyPath, $"unknown key \"{key}\"{KeySuggestion.DidYouMean(key, keys.PrimaryKeys)}");
                continue;
            }
            if (seen.TryGetValue(property, out var earlier))
            {
                diagnostics.Error(keyNode, keyPath, $"\"{key}\" sets the same option as \"{earlier}\"; keep one of them");
                continue;
            }
            seen[property] = key;
            if (TryConvert(valueNode, property.PropertyType, property.GetValue(target), keyPath, out var value))
                property.SetValue(target, value);
        }
    }

    /// <summary>Converts a node to <paramref name="type"/>; <paramref name="current"/> is the default kept when the node is null.</summary>
    private bool TryConvert(YamlNode node, Type type, object? current, string path, out object? value)
    {
        value = current;
        var underlying = Nullable.GetUnderlyingType(type);
        if (underlying is not null)
        {
            if (YamlNodes.IsNull(node))
            {
                value = null;
                return true;
            }
            type = underlying;
        }

        if (ScalarConverter.IsScalarType(type)) return TryConvertScalar(node, type, path, out value);
        if (type == typeof(YamlNode))
        {
            // A value whose type the YAML decides (an attribute value: 123, "text", true), kept for the component to read.
            value = node;
            return true;
        }
        if (IsGeneric(type, typeof(List<>))) return TryConvertList(node, type, path, out value);
        if (IsGeneric(type, typeof(Dictionary<,>)) && type.GetGenericArguments()[0] == typeof(string))
            return TryConvertDictionary(node, type, path, out value);
        if (type.IsClass && type.GetConstructor(Type.EmptyTypes) is not null)
        {
            // An empty section ("grpc:") enables it with defaults; otherwise bind over the existing defaults.
            value = current ?? Activator.CreateInstance(type)!;
            BindObject(node, value, path);
            return true;
        }

        diagnostics.Error(node, path, $"unsupported config property type {type.Name}");
        return false;
    }

    private bool TryConvertScalar(YamlNode node, Type type, string path, out object? value)
    {
        value = null;
        if (YamlNodes.IsNull(node)) return false; // "key:" keeps the default; not an error.
        if (node is not YamlScalarNode scalar)
        {
            diagnostics.Error(node, path, $"expected a single value, got {YamlNodes.Describe(node)}");
            return false;
        }
        if (ScalarConverter.TryConvert(scalar.Value ?? "", type, out value, out var error)) return true;
        diagnostics.Error(node, path, error);
        return false;
    }

    private bool TryConvertList(YamlNode node, Type type, string path, out object? value)
    {
        var list = (IList)Activator.CreateInstance(type)!;
        value = list;
        if (YamlNodes.IsNull(node)) return true;
        if (node is not YamlSequenceNode sequence)
        {
            diagnostics.Error(node, path, $"expected a list, got {YamlNodes.Describe(node)}");
            return false;
        }
        var itemType = type.GetGenericArguments()[0];
        var ok = true;
        for (var i = 0; i < sequence.Children.Count; i++)
        {
            if (TryConvert(sequence.Children[i], itemType, null, KeyPath.Join(path, i.ToString()), out var item))
                list.Add(item);
            else
                ok = false;
        }
        return ok;
    }

    private bool TryConvertDictionary(YamlNode node, Type type, string path, out object? value)
    {
        var dictionary = (IDictionary)Activator.CreateInstance(type)!;
        value = dictionary;
        if (YamlNodes.IsNull(node)) return true;
        if (node is not YamlMappingNode mapping)
        {
            diagnostics.Error(node, path, $"expected a mapping, got {YamlNodes.Describe(node)}");
            return false;
        }
        var valueType = type.GetGenericArguments()[1];
        var ok = true;
        foreach (var (keyNode, valueNode) in mapping.Children)
        {
            var key = YamlNodes.KeyText(keyNode) ?? "";
            if (TryConvert(valueNode, valueType, null, KeyPath.Join(path, key), out var item))
                dictionary[key] = item;
            else
                ok = false;
        }
        return ok;
    }

    private static bool IsGeneric(Type type, Type definition) => type.IsGenericType && type.GetGenericTypeDefinition() == definition;
}
