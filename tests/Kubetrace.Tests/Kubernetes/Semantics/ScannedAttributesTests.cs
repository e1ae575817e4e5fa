using Kubetrace.Kubernetes.Semantics;
using Kubetrace.Storage;
using Kubetrace.Storage.Scan;

namespace Kubetrace.Tests.Kubernetes.Semantics;

/// <summary>Normalised values read from scanned spans: the scan request it makes, and each key read from the right slots.</summary>
public sealed class ScannedAttributesTests
{
    private static ScannedSpan Span(ScannedAttributes attributes, params (string Key, string Value)[] values)
    {
        var keys = attributes.Request.AttributeKeys;
        var span = new ScannedSpan { Values = new string?[keys.Count] };
        foreach (var (key, value) in values) span.Values[keys.ToList().IndexOf(key)] = value;
        return span;
    }

    [Fact]
    public void The_request_asks_for_every_source_of_each_key_and_the_raw_keys_once()
    {
        var attributes = new ScannedAttributes(TimeRange.All, [K8sKeys.HttpMethod, K8sKeys.UrlPath], ["http.target", "url.full"]);

        Assert.Equal(["http.request.method", "http.method", "url.path", "http.target", "url", "url.full"], attributes.Request.AttributeKeys);
    }

    [Fact]
    public void A_verbatim_key_is_its_first_present_source_and_a_rewritten_key_goes_through_the_vocabulary()
    {
        var attributes = new ScannedAttributes(TimeRange.All, [K8sKeys.HttpMethod, K8sKeys.Namespace, K8sKeys.PodName, K8sKeys.RpcMethod]);
        var old = Span(attributes, ("http.method", "GET"), ("k8s.pod", "default/web-0"), ("rpc.service", "etcdserverpb.KV"), ("rpc.method", "Range"));
        var both = Span(attributes, ("http.request.method", "PUT"), ("http.method", "GET"), ("namespace", "prod"), ("k8s.pod", "default/web-0"));

        Assert.Equal(("GET", "default", "web-0", "etcdserverpb.KV/Range"),
            (attributes.Get(old, K8sKeys.HttpMethod), attributes.Get(old, K8sKeys.Namespace), attributes.Get(old, K8sKeys.PodName), attributes.Get(old, K8sKeys.RpcMethod)));
        Assert.Equal(("PUT", "prod"), (attributes.Get(both, K8sKeys.HttpMethod), attributes.Get(both, K8sKeys.Namespace)));
        Assert.Null(attributes.Get(Span(attributes), K8sKeys.HttpMethod));
    }

    [Fact]
    public void The_source_of_a_path_keeps_its_query_where_the_normalised_path_drops_it()
    {
        var attributes = new ScannedAttributes(TimeRange.All, [K8sKeys.UrlPath]);
        var span = Span(attributes, ("http.target", "/api/v1/pods?watch=true"));

        Assert.Equal("/api/v1/pods", attributes.Get(span, K8sKeys.UrlPath));
        Assert.Equal("/api/v1/pods?watch=true", attributes.Source(span, K8sKeys.UrlPath));
    }

    [Fact]
    public void Keys_spelt_at_run_time_or_never_scanned_are_read_by_value_or_read_as_absent()
    {
        var attributes = new ScannedAttributes(TimeRange.All, [K8sKeys.Resource], ["url.full"]);
        var span = Span(attributes, ("resource", "pods"), ("url.full", "https://hook:443/?timeout=10s"));

        Assert.Equal("pods", attributes.Get(span, string.Concat("k8s.", "resource")));
        Assert.Equal("https://hook:443/?timeout=10s", attributes.Get(span, string.Concat("url.", "full")));
        Assert.Null(attributes.Get(span, K8sKeys.Verb)); // its source was not asked for
    }
}
