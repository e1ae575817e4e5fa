using System.Collections.Concurrent;
using System.Reflection;
using System.Text;

namespace Kubetrace.Config;

/// <summary>
/// The YAML keys of one config class: the snake_case of each settable public property, or the names given by
/// <see cref="ConfigKeyAttribute"/>. Built once per type and cached, since reflection is slow and types never change.
/// </summary>
public sealed class ConfigKeyMap
{
    private static readonly ConcurrentDictionary<Type, ConfigKeyMap> Cache = new();

    private readonly Dictionary<string, PropertyInfo> _byKey = new(StringComparer.Ordinal);
    private readonly Dictionary<PropertyInfo, string> _primaryKeys = [];

    private ConfigKeyMap(Type type)
    {
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.SetMethod is not { IsPublic: true } || property.GetIndexParameters().Length > 0) continue;
            var attribute = property.GetCustomAttribute<ConfigKeyAttribute>();
            var primary = attribute?.Primary ?? ToSnakeCase(property.Name);
            _primaryKeys[property] = primary;
            _byKey[primary] = property;
            foreach (var alias in attribute?.Aliases ?? []) _byKey[alias] = property;
        }
    }

    public static ConfigKeyMap For(Type type) => Cache.GetOrAdd(type, t => new ConfigKeyMap(t));

    /// <summary>Primary keys, in declaration order, for suggestions and documentation.</summary>
    public IEnumerable<string> PrimaryKeys => _primaryKeys.Values;

    public bool TryGet(string key, out PropertyInfo property) => _byKey.TryGetValue(key, out property!);

    public string PrimaryKeyOf(PropertyInfo property) => _primaryKeys[property];

    /// <summary><c>SendBatchMaxSize</c> → <c>send_batch_max_size</c>; an acronym stays one word (<c>HTTPEndpoint</c> → <c>http_endpoint</c>).</summary>
    public static string ToSnakeCase(string name)
    {
        var builder = new StringBuilder(name.Length + 8);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (char.IsUpper(c) && i > 0)
            {
                var previous = name[i - 1];
                var nextIsLower = i + 1 < name.Length && char.IsLower(name[i + 1]);
                if (char.IsLower(previous) || char.IsDigit(previous) || (char.IsUpper(previous) && nextIsLower))
                    builder.Append('_');
            }
            builder.Append(char.ToLowerInvariant(c));
        }
        return builder.ToString();
    }
}
