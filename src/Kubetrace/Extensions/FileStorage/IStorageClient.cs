using Kubetrace.Components;

namespace Kubetrace.Extensions.FileStorage;

/// <summary>
/// The Collector's storage-extension contract as Kubetrace uses it: a key-value store private to one component,
/// for state that must survive a restart (the persistent sending queue). A completed <see cref="Set"/> is on
/// disk (and flushed to the device when the extension has <c>fsync: true</c>).
/// </summary>
public interface IStorageClient
{
    byte[]? Get(string key);

    void Set(string key, ReadOnlySpan<byte> value);

    /// <summary>Removes the key; nothing happens when it is absent.</summary>
    void Delete(string key);

    /// <summary>Every key held, in ordinal order.</summary>
    IReadOnlyList<string> Keys();
}

/// <summary>An extension that hands out storage clients (<c>file_storage</c>), found by its ID in <c>sending_queue.storage</c>.</summary>
public interface IStorageExtension
{
    /// <summary>The client of one component, e.g. (exporter, clickhouse, "traces"); opened when the extension has started.</summary>
    IStorageClient GetClient(ComponentKind kind, ComponentId component, string name);
}
