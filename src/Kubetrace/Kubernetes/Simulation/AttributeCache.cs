using Kubetrace.Otlp.Proto.Common;

namespace Kubetrace.Kubernetes.Simulation;

/// <summary>
/// One shared <see cref="KeyValue"/> per key and value for attributes with few distinct values (verbs, resources,
/// user agents, namespaces, webhooks): spans of a simulation reference the same message instead of allocating
/// two objects per attribute. Protobuf encodes a shared message like any other; nobody may change one.
/// </summary>
internal sealed class AttributeCache
{
    private readonly Dictionary<(string Key, string Value), KeyValue> _strings = [];

    public KeyValue Str(string key, string value)
    {
        if (!_strings.TryGetValue((key, value), out var attribute))
        {
            attribute = new KeyValue { Key = key, Value = new AnyValue { StringValue = value } };
            _strings.Add((key, value), attribute);
        }
        return attribute;
    }
}
