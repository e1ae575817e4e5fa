using Microsoft.Extensions.Hosting;

namespace Kubetrace.Receivers.Otlp.Hosting;

/// <summary>
/// A host lifetime that does nothing: a receiver's web host is started and stopped by the receiver, in pipeline
/// order, never by its own Ctrl+C / SIGTERM handling (the service owns shutdown).
/// </summary>
internal sealed class ManualHostLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
