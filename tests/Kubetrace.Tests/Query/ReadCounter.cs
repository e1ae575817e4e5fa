using Kubetrace.Otlp.Proto.Trace;
using Kubetrace.Storage;

namespace Kubetrace.Tests.Query;

/// <summary>The real store, counting which traces the engine reads whole (what pushdown and pruning save).</summary>
internal sealed class ReadCounter(ITraceStore inner) : DelegatingTraceStore(inner)
{
    public List<int> Read { get; } = [];

    public override ValueTask<IReadOnlyList<ResourceSpans>?> GetTraceAsync(Kubetrace.Storage.TraceId traceId, CancellationToken cancellationToken)
    {
        lock (Read) Read.Add((int)traceId.Value);
        return base.GetTraceAsync(traceId, cancellationToken);
    }
}
