using Kubetrace.Components;

namespace Kubetrace.Exporters.Helper;

/// <summary>
/// Base of every exporter factory: the subclass builds only its sink; the queue/retry/timeout chain comes from
/// <see cref="ExporterBuilder"/>, driven by the config when it implements <see cref="IExporterHelperConfig"/>.
/// </summary>
/// <param name="time">The clock the retry stage's back-off runs on (tests check the delays it chose).</param>
public abstract class ExporterFactory<TConfig>(string type, TimeProvider? time = null) : ComponentFactory<TConfig>(type, ComponentKind.Exporter),
    IExporterFactory
    where TConfig : class, new()
{
    /// <summary>The exporter's clock: its retries' back-off, and whatever its sink reads the time for.</summary>
    protected TimeProvider Time { get; } = time ?? TimeProvider.System;

    public IExporter Create(ComponentSettings settings, object config)
    {
        var typed = (TConfig)config;
        return ExporterBuilder.Build(settings, CreateSink(settings, typed), typed as IExporterHelperConfig, Time);
    }

    protected abstract IExportSink CreateSink(ComponentSettings settings, TConfig config);
}
