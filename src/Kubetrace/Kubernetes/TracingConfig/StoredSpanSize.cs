namespace Kubetrace.Kubernetes.TracingConfig;

/// <summary>What one span costs in Kubetrace's embedded store, as measured.</summary>
public static class StoredSpanSize
{
    /// <summary>
    /// Bytes on disk per span in the store's blocks for the Kubernetes-shaped dataset (2M spans; the WAL is
    /// deleted once blocks cover it): 44.0 B/span, docs/storage.md "Preliminary figures" (headline run, `kubetrace
    /// bench store`). A low-entropy generator mix compresses further (14.1 B/span, docs/benchmarks.md), real
    /// attributes rarely do, so the estimate uses the larger figure.
    /// </summary>
    public const double MeasuredBytesPerSpan = 44.0;
}
