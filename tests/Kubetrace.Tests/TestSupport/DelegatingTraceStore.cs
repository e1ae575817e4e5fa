using Kubetrace.Otlp.Proto.Trace;
using Kubetrace.Pipeline;
using Kubetrace.Storage;
using Kubetrace.Storage.Scan;

namespace Kubetrace.Tests;

/// <summary>A real store behind a wrapper whose calls a test can override one by one (e.g. to make reads slow).</summary>
internal abstract class DelegatingTraceStore(ITraceStore inner) : ITraceStore
{
    /// <summary>The real store behind the wrapper.</summary>
    protected ITraceStore Inner => inner;

    public virtual ValueTask AppendAsync(TraceBatch batch, CancellationToken cancellationToken) => inner.AppendAsync(batch, cancellationToken);

    public virtual ValueTask<IReadOnlyList<ResourceSpans>?> GetTraceAsync(TraceId traceId, CancellationToken cancellationToken) =>
        inner.GetTraceAsync(traceId, cancellationToken);

    public virtual ValueTask<IReadOnlyList<TraceMatch>> FetchAsync(FetchRequest request, CancellationToken cancellationToken) =>
        inner.FetchAsync(request, cancellationToken);

    public ValueTask<IReadOnlyList<string>> GetServicesAsync(CancellationToken cancellationToken) => inner.GetServicesAsync(cancellationToken);

    public ValueTask<IReadOnlyList<Operation>> GetOperationsAsync(string service, CancellationToken cancellationToken) =>
        inner.GetOperationsAsync(service, cancellationToken);

    public ValueTask<IReadOnlyList<string>> GetAttributeNamesAsync(AttributeScope scope, CancellationToken cancellationToken) =>
        inner.GetAttributeNamesAsync(scope, cancellationToken);

    public ValueTask<IReadOnlyList<string>> GetAttributeValuesAsync(AttributeScope scope, string key, int limit,
        CancellationToken cancellationToken) => inner.GetAttributeValuesAsync(scope, key, limit, cancellationToken);

    public ValueTask<IReadOnlyList<DependencyEdge>> GetDependenciesAsync(TimeRange range, CancellationToken cancellationToken) =>
        inner.GetDependenciesAsync(range, cancellationToken);

    public ValueTask ScanAsync(SpanScanRequest request, Action<ScannedTrace> visitor, CancellationToken cancellationToken) =>
        inner.ScanAsync(request, visitor, cancellationToken);

    public long? Generation => inner.Generation;

    public StoreStats GetStats() => inner.GetStats();

    public ValueTask EnforceRetentionAsync(CancellationToken cancellationToken) => inner.EnforceRetentionAsync(cancellationToken);

    /// <summary>The inner store is the caller's.</summary>
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
