namespace Kubetrace.Components;

/// <summary>A problem in a component's configuration, named by the key it concerns.</summary>
/// <param name="Key">Key path relative to the component, e.g. <c>send_batch_max_size</c> or <c>protocols.grpc.endpoint</c>;
/// empty for the component as a whole. The loader turns it into file, line and full key path.</param>
public readonly record struct ConfigProblem(string Key, string Message);

/// <summary>Implemented by config classes whose values must be checked together after binding.</summary>
public interface IValidatableConfig
{
    IEnumerable<ConfigProblem> Validate();
}

/// <summary>
/// Implemented by config classes that are valid but worth a warning (a deprecated component or key), so that
/// <c>kubetrace validate</c> says it too, not only the running service's log.
/// </summary>
public interface IConfigWithWarnings
{
    IEnumerable<ConfigProblem> Warnings();
}
