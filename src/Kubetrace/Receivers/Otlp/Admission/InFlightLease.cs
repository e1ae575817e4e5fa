namespace Kubetrace.Receivers.Otlp.Admission;

/// <summary>
/// One request's share of <see cref="InFlightBytes"/>: it grows as the request's decompressed bytes become known
/// and is given back whole on dispose. Used by one request at a time (not thread-safe).
/// </summary>
public sealed class InFlightLease : IDisposable
{
    private InFlightBytes? _budget;

    internal InFlightLease(InFlightBytes budget) => _budget = budget;

    /// <summary>Bytes this request holds.</summary>
    public long Held { get; private set; }

    /// <summary>
    /// Makes the lease hold at least <paramref name="total"/> bytes; false if the difference does not fit in the
    /// budget (the lease keeps what it held, and the request should be refused).
    /// </summary>
    public bool TryGrowTo(long total)
    {
        if (total <= Held) return true;
        ObjectDisposedException.ThrowIf(_budget is null, this);
        if (!_budget.TryTake(total - Held)) return false;
        Held = total;
        return true;
    }

    /// <summary>The answer to give when <see cref="TryGrowTo"/> failed.</summary>
    public ExportFailure Refusal()
    {
        ObjectDisposedException.ThrowIf(_budget is null, this);
        return _budget.Refusal();
    }

    public void Dispose()
    {
        if (_budget is null) return;
        _budget.Give(Held);
        Held = 0;
        _budget = null;
    }
}
