using System.Collections.Concurrent;
using Kubetrace.Components;
using Microsoft.Extensions.Logging;

namespace Kubetrace.Extensions.FileStorage;

/// <summary>
/// <c>file_storage</c>: storage clients in a folder, one sub-folder per component (named as the Collector names
/// its files, <c>exporter_clickhouse_traces</c>). Published under its ID for <c>sending_queue.storage</c>.
/// </summary>
public sealed class FileStorageExtension : IExtension, IStorageExtension
{
    private readonly FileStorageConfig _config;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, FileStorageClient> _clients = new();
    private volatile bool _started;
    private Storage.Encryption.StoreKeyRing _keys = Storage.Encryption.StoreKeyRing.None;

    public FileStorageExtension(ComponentSettings settings, FileStorageConfig config)
    {
        _config = config;
        _logger = settings.CreateLogger();
        settings.Directory.Publish(ComponentKind.Extension, settings.Id, this);
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (!Directory.Exists(_config.Directory))
        {
            if (!_config.CreateDirectory)
                throw new IOException($"file_storage directory {_config.Directory} does not exist (create it, or set create_directory: true)");
            Directory.CreateDirectory(_config.Directory);
        }
        _keys = _config.Encryption.ToKeyRing();
        _started = true;
        _logger.LogInformation("File storage in {Directory} (fsync {Fsync}, {Encryption})", _config.Directory, _config.Fsync,
            _keys.Active is { } key ? $"entries sealed with key \"{key.Id}\"" : "entries in plaintext");
        return Task.CompletedTask;
    }

    public IStorageClient GetClient(ComponentKind kind, ComponentId component, string name)
    {
        if (!_started) throw new InvalidOperationException("file_storage is not started");
        var folder = $"{kind.ToString().ToLowerInvariant()}_{component.Type}_{component.Name}_{name}";
        return _clients.GetOrAdd(folder, f => new FileStorageClient(Path.Combine(_config.Directory, f), _config.Fsync, _logger, _keys));
    }

    public Task ShutdownAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

public sealed class FileStorageFactory() : ComponentFactory<FileStorageConfig>("file_storage", ComponentKind.Extension), IExtensionFactory
{
    public IExtension Create(ComponentSettings settings, object config) => new FileStorageExtension(settings, (FileStorageConfig)config);
}
