using Kubetrace.Pipeline;

namespace Kubetrace.Components;

/// <summary>
/// Knows one component type: its name in the configuration, its typed configuration with defaults, and how to
/// build it. The config object is a plain class bound from YAML (snake_case keys; see Config/ConfigBinder);
/// it may implement <see cref="IValidatableConfig"/>.
/// </summary>
public interface IComponentFactory
{
    /// <summary>The type name used in YAML, e.g. <c>otlp</c>, <c>batch</c>.</summary>
    string Type { get; }

    ComponentKind Kind { get; }

    /// <summary>A new config object holding every default; YAML values are bound over it.</summary>
    object CreateDefaultConfig();
}

public interface IReceiverFactory : IComponentFactory
{
    IReceiver Create(ComponentSettings settings, object config, ITraceConsumer next);
}

public interface IProcessorFactory : IComponentFactory
{
    IProcessor Create(ComponentSettings settings, object config, ITraceConsumer next);
}

public interface IExporterFactory : IComponentFactory
{
    IExporter Create(ComponentSettings settings, object config);
}

public interface IExtensionFactory : IComponentFactory
{
    IExtension Create(ComponentSettings settings, object config);
}

/// <summary>Base that fixes the config type so that factories stay a few lines long.</summary>
public abstract class ComponentFactory<TConfig>(string type, ComponentKind kind) : IComponentFactory
    where TConfig : class, new()
{
    public string Type { get; } = type;

    public ComponentKind Kind { get; } = kind;

    public virtual object CreateDefaultConfig() => new TConfig();
}
