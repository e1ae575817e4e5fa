using Kubetrace.Bench.Workload;

namespace Kubetrace.Bench.Transport;

/// <summary>
/// One connection to an OTLP endpoint that sends encoded requests as they are. Safe for concurrent sends; each
/// body belongs to one worker.
/// </summary>
internal interface IOtlpSender : IDisposable
{
    /// <summary>Sends the body; never throws for a failed export (the outcome says why), only on cancellation.</summary>
    Task<SendOutcome> SendAsync(RequestBody body, CancellationToken cancellationToken);
}
