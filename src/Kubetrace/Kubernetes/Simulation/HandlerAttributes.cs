using static Kubetrace.Bench.Workload.Attr;
using K = Kubetrace.Kubernetes.Catalog.ApiserverKeys;

namespace Kubetrace.Kubernetes.Simulation;

/// <summary>The attributes every handler span carries (Create, Get, ..., WatchList).</summary>
internal static class HandlerAttributes
{
    /// <summary>traceFields (trace_util.go): nine keys, and from 1.29 group, version, name, subresource and namespace.</summary>
    public static void Describe(SimulationContext sim, in OpenSpan handler, ApiCall call, string auditId)
    {
        if (handler.Proto is not { } proto) return;
        var cache = sim.Attributes;
        var a = proto.Attributes;
        a.Add(cache.Str(K.Accept, call.Caller.Accept));
        a.Add(Str(K.AuditId, auditId));
        a.Add(cache.Str(K.Client, call.Caller.ClientIp));
        if (sim.Options.KubernetesVersion.HandlerNamesObject)
        {
            a.Add(cache.Str(K.ApiGroup, call.Resource.Group));
            a.Add(cache.Str(K.ApiVersion, call.Resource.Version));
            a.Add(Str(K.Name, call.NamedInUrl ? call.Name : ""));
            a.Add(cache.Str(K.Subresource, call.Subresource));
            a.Add(cache.Str(K.Namespace, call.Namespace));
        }
        a.Add(cache.Str(K.Protocol, "HTTP/2.0"));
        a.Add(cache.Str(K.Resource, call.Resource.Resource));
        a.Add(cache.Str(K.Scope, call.Scope));
        a.Add(Str(K.Url, call.Path));
        a.Add(cache.Str(K.UserAgent, call.Caller.UserAgent));
        a.Add(cache.Str(K.Verb, call.Verb.MetricsVerb));
    }
}
