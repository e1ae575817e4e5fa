namespace Kubetrace.Kubernetes.TracingConfig;

/// <summary>
/// What tracing the apiserver at a given sampling rate produces and costs to keep. The apiserver decides per
/// request (TraceIDRatioBased at rate/1e6 for requests it starts); etcd samples ParentBased, so its spans appear
/// only under the requests the apiserver sampled — at any etcd rate, because every apiserver call carries the
/// trace context and an unsampled parent is respected too.
/// </summary>
public sealed record TracingVolumeInput(
    double RequestsPerSecond,
    int SamplingRatePerMillion,
    TimeSpan Retention,
    double ApiServerSpansPerRequest,
    double EtcdSpansPerRequest,
    double BytesPerSpan = StoredSpanSize.MeasuredBytesPerSpan)
{
    /// <summary>
    /// Spans of one sampled request, from the catalog (docs/catalog.md): the HTTP server span, authentication (its
    /// child through 1.32, a trace of its own from 1.33, sampled at the same rate), the handler (Get, List, ...),
    /// storage, the etcd client call and SerializeObject; from 1.34 also the nested filter spans (audit,
    /// impersonation, priorityandfairness, authorization). Webhook calls add two spans each (Call ... webhook and its HTTP POST).
    /// </summary>
    public static double DefaultApiServerSpansPerRequest(KubernetesVersion version) =>
        version >= KubernetesVersion.Of(34) ? 10 : 6;

    /// <summary>One etcd server span per etcd call (etcdserverpb.KV/Range, /Txn), most requests making one.</summary>
    public const double DefaultEtcdSpansPerRequest = 1;
}

public sealed record TracingVolumeEstimate(
    TracingVolumeInput Input,
    double SampledRequestsPerSecond,
    double ApiServerSpansPerSecond,
    double EtcdSpansPerSecond,
    double SpansPerSecond,
    double SpansPerDay,
    double BytesPerDay,
    double BytesForRetention)
{
    public const double SecondsPerDay = 86_400;

    public static TracingVolumeEstimate Of(TracingVolumeInput input)
    {
        var sampled = input.RequestsPerSecond * SamplingRate.Ratio(input.SamplingRatePerMillion);
        var apiServer = sampled * input.ApiServerSpansPerRequest;
        var etcd = sampled * input.EtcdSpansPerRequest;
        var spans = apiServer + etcd;
        var perDay = spans * SecondsPerDay;
        var bytesPerDay = perDay * input.BytesPerSpan;
        return new TracingVolumeEstimate(input, sampled, apiServer, etcd, spans, perDay, bytesPerDay,
            bytesPerDay * input.Retention.TotalDays);
    }
}
