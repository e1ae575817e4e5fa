using Kubetrace.Components;

namespace Kubetrace.Exporters.Helper;

/// <summary>
/// Implemented by the config of every exporter that sends somewhere that can be slow or down: it embeds the
/// shared <c>sending_queue</c>, <c>retry_on_failure</c> and <c>timeout</c> sections, which
/// <see cref="ExporterBuilder"/> turns into the decorator chain.
/// </summary>
public interface IExporterHelperConfig
{
    QueueConfig SendingQueue { get; }

    RetryConfig RetryOnFailure { get; }

    /// <summary>Limit for one send attempt; zero means none.</summary>
    TimeSpan Timeout { get; }
}

public static class ExporterHelperConfigExtensions
{
    /// <summary>The problems of the embedded sections, with their key paths, for an exporter's own Validate().</summary>
    public static IEnumerable<ConfigProblem> ValidateHelper(this IExporterHelperConfig config)
    {
        foreach (var problem in config.SendingQueue.Validate())
            yield return problem with { Key = "sending_queue." + problem.Key };
        foreach (var problem in config.RetryOnFailure.Validate())
            yield return problem with { Key = "retry_on_failure." + problem.Key };
        if (config.Timeout < TimeSpan.Zero) yield return new ConfigProblem("timeout", "must not be negative");
    }
}
