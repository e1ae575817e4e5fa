namespace Kubetrace.Components;

/// <summary>Where the running service is in its life, for the health_check extension and the start-up log.</summary>
public sealed class ServiceStatus
{
    private volatile int _state;

    public bool IsReady => _state == 1;

    public bool IsStopping => _state == 2;

    public void MarkReady() => _state = 1;

    public void MarkStopping() => _state = 2;
}
