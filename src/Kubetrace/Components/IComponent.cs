using Kubetrace.Pipeline;

namespace Kubetrace.Components;

/// <summary>Lifecycle shared by every component. Shutdown must be idempotent and must flush what was accepted.</summary>
public interface IComponent
{
    Task StartAsync(CancellationToken cancellationToken);

    Task ShutdownAsync(CancellationToken cancellationToken);
}

/// <summary>Takes data in from outside (network) and hands it to the next consumer.</summary>
public interface IReceiver : IComponent;

/// <summary>Transforms, filters or groups data, then hands it to the consumer it was created with.</summary>
public interface IProcessor : IComponent, ITraceConsumer;

/// <summary>Sends data out of the pipeline (another backend, a file, the store).</summary>
public interface IExporter : IComponent, ITraceConsumer;

/// <summary>Runs beside the pipelines (health check, ...).</summary>
public interface IExtension : IComponent;
