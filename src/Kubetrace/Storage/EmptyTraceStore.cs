using Kubetrace.Otlp.Proto.Trace;
using Kubetrace.Pipeline;
using Kubetrace.Storage.Scan;

namespace Kubetrace.Storage;

/// <summary>
/// A store holding nothing, read-only: what a tenant that never wrote reads (docs/security.md, Tenants), so that a
/// query naming an unknown tenant finds nothing without creating a directory for it.
/// </summary>
public sealed class EmptyTraceStore : ITraceStore
{
    public static EmptyTraceStore Instance { get; } = new();

    private EmptyTraceStore()
    {
    }

    public ValueTask AppendAsync(TraceBatch batch, CancellationToken cancellationToken) =>
        throw new NotSupportedException("an empty store only reads");

    public ValueTask<IReadOnlyList<ResourceSpans>?> GetTraceAsync(TraceId traceId, CancellationToken cancellationToken) => new((IReadOnlyList<ResourceSpans>?)null);

    public ValueTask<IReadOnlyList<TraceMatch>> FetchAsync(FetchRequest request, CancellationToken cancellationToken) => new(Array.Empty<TraceMatch>());

    public ValueTask<IReadOnlyList<string>> GetServicesAsync(CancellationToken cancellationToken) => new(Array.Empty<string>());

    public ValueTask<IReadOnlyList<Operation>> GetOperationsAsync(string service, CancellationToken cancellationToken) => new(Array.Empty<Operation>());

    public ValueTask<IReadOnlyList<string>> GetAttributeNamesAsync(AttributeScope scope, CancellationToken cancellationToken) => new(Array.Empty<string>());

    public ValueTask<IReadOnlyList<string>> GetAttributeValuesAsync(AttributeScope scope, string key, int limit, CancellationToken cancellationToken) =>
        new(Array.Empty<string>());

    public ValueTask<IReadOnlyList<DependencyEdge>> GetDependenciesAsync(TimeRange range, CancellationToken cancellationToken) => new(Array.Empty<DependencyEdge>());

    public ValueTask ScanAsync(SpanScanRequest request, Action<ScannedTrace> visitor, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public StoreStats GetStats() => new(0, 0, 0, 0, 0, 0);

    public ValueTask EnforceRetentionAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
