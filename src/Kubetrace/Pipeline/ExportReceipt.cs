namespace Kubetrace.Pipeline;

/// <summary>
/// What the consumers behind a receiver refused of a batch they otherwise took (the embedded store's
/// <c>max_bytes_per_trace</c>), told back to the receiver, which reports it to the client in the OTLP
/// partial_success. The receiver attaches one to the batch it hands on (<see cref="TraceBatch.Receipt"/>); processors
/// that derive a batch keep it. Only a consumer that runs while the export waits can report here: a <c>batch</c>
/// processor or a sending queue acknowledges first, as the Collector's do, and what is refused behind it is counted
/// and logged only. Consumers of a fan-out may report at the same time.
/// </summary>
public sealed class ExportReceipt
{
    private readonly Lock _gate = new();
    private int _refusedSpans;
    private string? _message;

    public int RefusedSpans
    {
        get { lock (_gate) return _refusedSpans; }
    }

    /// <summary>Each refusal's sentence, joined with "; "; null when nothing was refused.</summary>
    public string? Message
    {
        get { lock (_gate) return _message; }
    }

    public void Refuse(int spans, string message)
    {
        lock (_gate)
        {
            _refusedSpans += spans;
            _message = _message is null ? message : $"{_message}; {message}";
        }
    }
}
