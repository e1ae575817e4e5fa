namespace Kubetrace.Components;

/// <summary>Where the running service is in its life, for the health_check extension and the start-up log.</summary>
public sealed class ServiceStatus
{
    private volatile int _state;
    private DateTimeOffset _readySince; // written once, before _state publishes it

    public bool IsReady => _state == 1;

    public bool IsStopping => _state == 2;

    /// <summary>When every pipeline had started; null before that and from the moment shutdown begins.</summary>
    public DateTimeOffset? ReadySince => IsReady ? _readySince : null;

    public void MarkReady()
    {
        _readySince = DateTimeOffset.UtcNow;
        _state = 1;
    }

    public void MarkStopping() => _state = 2;
}
