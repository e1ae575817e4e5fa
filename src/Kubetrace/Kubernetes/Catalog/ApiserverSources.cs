namespace Kubetrace.Kubernetes.Catalog;

/// <summary>Where the apiserver catalog's facts are: k8s.io/apiserver at <c>v0.N.0</c> (= Kubernetes 1.N.0), component-base, apimachinery, otelhttp.</summary>
internal static class ApiserverSources
{
    public const string TracesGo = "pkg/endpoints/filters/traces.go";
    public const string FilterLatencyGo = "pkg/endpoints/filterlatency/filterlatency.go";
    public const string ConfigGo = "pkg/server/config.go";
    public const string TracingOptionsGo = "pkg/server/options/tracing.go";
    public const string TraceUtilGo = "pkg/endpoints/handlers/trace_util.go";
    public const string CreateGo = "pkg/endpoints/handlers/create.go";
    public const string GetGo = "pkg/endpoints/handlers/get.go";
    public const string UpdateGo = "pkg/endpoints/handlers/update.go";
    public const string PatchGo = "pkg/endpoints/handlers/patch.go";
    public const string DeleteGo = "pkg/endpoints/handlers/delete.go";
    public const string WatchGo = "pkg/endpoints/handlers/watch.go";
    public const string WritersGo = "pkg/endpoints/handlers/responsewriters/writers.go";
    public const string MutatingGo = "pkg/admission/plugin/webhook/mutating/dispatcher.go";
    public const string ValidatingGo = "pkg/admission/plugin/webhook/validating/dispatcher.go";
    public const string HandlerGo = "instrumentation/net/http/otelhttp/handler.go";
    public const string TransportGo = "instrumentation/net/http/otelhttp/transport.go";
    public const string HandlerProxyGo = "pkg/apiserver/handler_proxy.go";

    /// <summary>k8s.io/apiserver at the tag of Kubernetes 1.<paramref name="minor"/>.</summary>
    public static SourceRef Src(int minor, string path, int line, string? what = null) => new("kubernetes/apiserver", $"v0.{minor}.0", path, line, what);

    public static SourceRef ComponentBase(int minor, string path, int line, string? what = null) =>
        new("kubernetes/component-base", $"v0.{minor}.0", path, line, what);

    public static SourceRef Apimachinery(int minor, string path, int line, string? what = null) =>
        new("kubernetes/apimachinery", $"v0.{minor}.0", path, line, what);

    /// <summary>k8s.io/kube-aggregator (the aggregation layer kube-apiserver runs in front of itself) at the tag of Kubernetes 1.<paramref name="minor"/>.</summary>
    public static SourceRef Aggregator(int minor, string path, int line, string? what = null) =>
        new("kubernetes/kube-aggregator", $"v0.{minor}.0", path, line, what);

    /// <summary>otelhttp at <paramref name="version"/> (the one the release's go.mod pins).</summary>
    public static SourceRef OtelHttp(string version, string path, int line, string? what = null) =>
        new("open-telemetry/opentelemetry-go-contrib", "instrumentation/net/http/otelhttp/v" + version, path, line, what);
}
