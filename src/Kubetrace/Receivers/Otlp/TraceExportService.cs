using Kubetrace.Otlp;
using Kubetrace.Otlp.Validation;
using Kubetrace.Otlp.Proto.Collector;
using Kubetrace.Pipeline;
using Microsoft.Extensions.Logging;

namespace Kubetrace.Receivers.Otlp;

/// <summary>
/// The transport-independent half of the receiver: hands decoded spans to the pipeline, counts them, and turns
/// the outcome into a response (with partial_success) or an <see cref="ExportFailure"/>. The gRPC and HTTP
/// adapters only translate to and from their wire.
/// </summary>
public sealed class TraceExportService(ITraceConsumer next, ReceiverMetrics metrics, ILogger logger, SpanLimits? limits = null)
{
    /// <summary>What one span may hold; the adapters decode every request against these.</summary>
    public SpanLimits Limits { get; } = limits ?? SpanLimits.Default;

    /// <summary>The configuration's <c>multitenancy_enabled</c>: each export must name its tenant (<see cref="ReceiverTenant"/>).</summary>
    public bool MultitenancyEnabled { get; init; }

    /// <summary>Why a valid tenant ID cannot be stored by this service's stores (<see cref="ITenantRule"/>), or null when it can.</summary>
    public Func<string, string?>? UnstorableTenant { get; init; }

    private static readonly ExportTraceServiceResponse Success = new();

    /// <returns>The response on success (partial or full), otherwise the failure to report.</returns>
    public async ValueTask<(ExportTraceServiceResponse? Response, ExportFailure? Failure)> ExportAsync(
        DecodedTraces decoded, CancellationToken cancellationToken)
    {
        if (decoded.RejectedSpans > 0) metrics.RefusedSpans.Add(decoded.RejectedSpans);
        var (rejected, message) = (decoded.RejectedSpans, decoded.ErrorMessage);
        if (decoded.Batch is { } batch)
        {
            try
            {
                var receipt = batch.Receipt = new ExportReceipt();
                await next.ConsumeAsync(batch, cancellationToken).ConfigureAwait(false);
                // Spans a store refused after taking the batch (max_bytes_per_trace): a fan-out's stores may refuse the same ones.
                if (receipt.Message is { } refused)
                    (rejected, message) = (rejected + Math.Min(receipt.RefusedSpans, batch.SpanCount), message is null ? refused : $"{message}; {refused}");
                metrics.AcceptedSpans.Add(batch.SpanCount);
            }
            catch (ConsumerException e)
            {
                metrics.RefusedSpans.Add(batch.SpanCount);
                logger.LogDebug("Pipeline refused {Spans} spans ({Kind}): {Message}", batch.SpanCount, e.Kind, e.Message);
                return (null, ExportFailure.From(e));
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                metrics.RefusedSpans.Add(batch.SpanCount);
                throw;
            }
            catch (Exception e)
            {
                // Not classified by the consumer: treat as transient, as the Collector does with non-permanent errors.
                metrics.RefusedSpans.Add(batch.SpanCount);
                logger.LogWarning(e, "Pipeline failed on {Spans} spans", batch.SpanCount);
                return (null, new ExportFailure(ConsumerErrorKind.Unavailable, $"pipeline error: {ClientText.WithoutPaths(e.Message)}", null));
            }
        }
        if (message is null) return (Success, null);
        return (new ExportTraceServiceResponse
        {
            PartialSuccess = new ExportTracePartialSuccess { RejectedSpans = rejected, ErrorMessage = message },
        }, null);
    }
}
