using Microsoft.Extensions.Hosting;

namespace Kubetrace.Hosting;

/// <summary>
/// A host lifetime that does nothing: a component's web host is started and stopped by its component, in pipeline
/// order, never by its own Ctrl+C / SIGTERM handling (the service owns shutdown).
/// </summary>
internal sealed class ManualHostLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
