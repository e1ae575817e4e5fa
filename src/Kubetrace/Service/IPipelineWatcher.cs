namespace Kubetrace.Service;

/// <summary>
/// Implemented by extensions that care whether the pipelines are running (health_check): the service calls
/// <see cref="Ready"/> once every component has started and <see cref="NotReady"/> when shutdown begins.
/// </summary>
public interface IPipelineWatcher
{
    void Ready();

    void NotReady();
}
