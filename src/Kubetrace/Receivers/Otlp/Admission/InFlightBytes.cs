using Kubetrace.Pipeline;
using Kubetrace.Telemetry;

namespace Kubetrace.Receivers.Otlp.Admission;

/// <summary>
/// The receiver's budget of request bytes in flight: decompressed bodies being read, decoded, and handed to the
/// pipeline. A request takes its share as its bytes arrive (<see cref="InFlightLease"/>) and gives it back when the
/// pipeline has answered. A request that does not fit is refused at once with a retryable error, so that memory
/// under overload is bounded by the budget instead of growing with the number of waiting clients.
/// </summary>
/// <remarks>
/// Taking never blocks: back-pressure goes to the client (RESOURCE_EXHAUSTED with RetryInfo, 429 with Retry-After),
/// which holds the data and retries. Decompressed size is what counts, because that is what the receiver holds: a
/// 1 MiB gzip body that inflates to 20 MiB takes 20 MiB, taken as it inflates, so a bomb stops at the budget.
/// </remarks>
public sealed class InFlightBytes
{
    private readonly Counter? _refused;
    private readonly Func<bool> _memoryShort;
    private long _inUse;

    /// <param name="refused">Counts the requests refused for want of room (a metric); none if null.</param>
    /// <param name="memoryShort">True while the process is short of memory (the memory_limiter refuses data): every
    /// request is refused at its first bytes then, before it is decompressed and parsed only to be refused by the
    /// limiter — under a flood that garbage alone held the process at its hard limit. Never, if null.</param>
    public InFlightBytes(long limit, Counter? refused = null, Func<bool>? memoryShort = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        Limit = limit;
        _refused = refused;
        _memoryShort = memoryShort ?? (static () => false);
    }

    public long Limit { get; }

    /// <summary>Bytes held by requests now.</summary>
    public long InUse => Interlocked.Read(ref _inUse);

    /// <summary>A lease holding nothing yet, for one request; dispose it when the request is answered.</summary>
    public InFlightLease Open() => new(this);

    /// <summary>Takes <paramref name="bytes"/> more if they fit under the limit.</summary>
    internal bool TryTake(long bytes)
    {
        var inUse = Interlocked.Read(ref _inUse);
        while (true)
        {
            if (inUse + bytes > Limit || _memoryShort())
            {
                _refused?.Add(1);
                return false;
            }
            var seen = Interlocked.CompareExchange(ref _inUse, inUse + bytes, inUse);
            if (seen == inUse) return true;
            inUse = seen;
        }
    }

    internal void Give(long bytes) => Interlocked.Add(ref _inUse, -bytes);

    /// <summary>
    /// The answer to a request that did not fit: RESOURCE_EXHAUSTED with RetryInfo / 429 with Retry-After, which the
    /// OTLP specification makes retryable, so the client keeps the data and sends it again.
    /// </summary>
    public ExportFailure Refusal() => new(ConsumerErrorKind.ResourceExhausted,
        _memoryShort() ? "data refused due to high memory usage (memory_limiter); retry later"
            : $"receiver busy: {InUse} of {Limit} bytes of requests in flight (admission.request_limit_mib); retry later",
        ExportFailure.DefaultRetryAfter);
}
