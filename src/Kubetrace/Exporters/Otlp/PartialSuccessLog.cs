using Kubetrace.Otlp.Proto.Collector;
using Microsoft.Extensions.Logging;

namespace Kubetrace.Exporters.Otlp;

/// <summary>A partial success is still a success (OTLP says do not retry it) but the rejected count must be visible.</summary>
internal static class PartialSuccessLog
{
    public static void Report(ILogger logger, ExportTracePartialSuccess? partial, string endpoint)
    {
        if (partial is null || (partial.RejectedSpans == 0 && partial.ErrorMessage.Length == 0)) return;
        logger.LogWarning("Partial success from {Endpoint}: {Rejected} spans rejected: {Message}",
            endpoint, partial.RejectedSpans, partial.ErrorMessage);
    }
}
