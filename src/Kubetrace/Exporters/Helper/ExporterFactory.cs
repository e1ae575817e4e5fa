using Kubetrace.Components;

namespace Kubetrace.Exporters.Helper;

/// <summary>
/// Base of every exporter factory: the subclass builds only its sink; the queue/retry/timeout chain comes from
/// <see cref="ExporterBuilder"/>, driven by the config when it implements <see cref="IExporterHelperConfig"/>.
/// </summary>
public abstract class ExporterFactory<TConfig>(string type) : ComponentFactory<TConfig>(type, ComponentKind.Exporter),
    IExporterFactory
    where TConfig : class, new()
{
    public IExporter Create(ComponentSettings settings, object config)
    {
        var typed = (TConfig)config;
        return ExporterBuilder.Build(settings, CreateSink(settings, typed), typed as IExporterHelperConfig);
    }

    protected abstract IExportSink CreateSink(ComponentSettings settings, TConfig config);
}
