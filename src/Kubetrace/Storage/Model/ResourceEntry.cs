using Google.Protobuf;
using Kubetrace.Otlp.Proto.Common;
using Kubetrace.Otlp.Proto.Resource;

namespace Kubetrace.Storage.Model;

/// <summary>A distinct resource (with its schema URL) of a head or block; spans refer to it by id.</summary>
internal sealed class ResourceEntry
{
    public ResourceEntry(Resource resource, string schemaUrl)
    {
        Resource = resource;
        SchemaUrl = schemaUrl;
        Attributes = resource.Attributes.Select(a => KeyValuePair.Create(a.Key, StoredValue.TextOf(a.Value ?? new AnyValue()))).ToArray();
        Service = Attributes.FirstOrDefault(a => a.Key == "service.name").Value ?? "unknown_service";
    }

    public Resource Resource { get; }
    public string SchemaUrl { get; }
    public string Service { get; }
    public KeyValuePair<string, string>[] Attributes { get; }

    public string? Find(string key)
    {
        foreach (var attribute in Attributes)
            if (attribute.Key == key) return attribute.Value;
        return null;
    }
}

/// <summary>A distinct instrumentation scope (with its schema URL).</summary>
internal sealed record ScopeEntry(InstrumentationScope Scope, string SchemaUrl);

/// <summary>Interns resources or scopes by their encoding, so identical ones share an id.</summary>
internal sealed class EntryTable<T> where T : class
{
    private readonly GrowList<T> _items;
    private readonly Dictionary<(ByteString, string), int> _ids = new();

    public EntryTable() => _items = new GrowList<T>(16);

    public EntryTable(T[] items) => _items = GrowList<T>.Wrap(items);

    public int Count => _items.Count;

    public T this[int id] => _items.Items[id];

    public int Intern(IMessage message, string schemaUrl, Func<T> create)
    {
        var key = (message.ToByteString(), schemaUrl);
        if (_ids.TryGetValue(key, out var id)) return id;
        id = _items.Count;
        _items.Add(create());
        _ids.Add(key, id);
        return id;
    }

    /// <summary>Interns by the message's wire bytes (the wire appender's path); <paramref name="create"/> parses them.</summary>
    public int InternEncoded(ReadOnlySpan<byte> encoded, string schemaUrl, Func<T> create)
    {
        var key = (ByteString.CopyFrom(encoded), schemaUrl);
        if (_ids.TryGetValue(key, out var id)) return id;
        id = _items.Count;
        _items.Add(create());
        _ids.Add(key, id);
        return id;
    }

    public T[] ToArray() => _items.AsSpan().ToArray();

    public IEnumerable<T> Items()
    {
        var count = _items.Count;
        for (var i = 0; i < count; i++) yield return _items.Items[i];
    }
}
