using Kubetrace.Kubernetes.Catalog;

namespace Kubetrace.Kubernetes.Simulation;

/// <summary>
/// A request verb and how the apiserver spells it in each place: HTTP method, handler span name, the handler's
/// <c>verb</c> attribute (as the apiserver's metrics clean it), admission operation, storage span and etcd call.
/// </summary>
internal sealed record ApiVerb(string Method, string HandlerSpan, string MetricsVerb, string? AdmissionOperation, int SuccessStatus,
    string StorageSpan, GrpcMethod Etcd, bool Named)
{
    /// <summary>Each instance is a distinct, shared definition: equal only to itself (and cheap to hash as a key).</summary>
    public bool Equals(ApiVerb? other) => ReferenceEquals(this, other);

    public override int GetHashCode() => System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(this);

    public static readonly ApiVerb Get = new("GET", "Get", "GET", null, 200, "Get etcd3", GrpcMethod.EtcdRange, true);
    public static readonly ApiVerb List = new("GET", "List", "LIST", null, 200, "List(recursive=true) etcd3", GrpcMethod.EtcdRange, false);
    public static readonly ApiVerb Create = new("POST", "Create", "POST", "CREATE", 201, "Create etcd3", GrpcMethod.EtcdTxn, false);
    public static readonly ApiVerb Update = new("PUT", "Update", "PUT", "UPDATE", 200, "GuaranteedUpdate etcd3", GrpcMethod.EtcdTxn, true);
    public static readonly ApiVerb Patch = new("PATCH", "Patch", "PATCH", "UPDATE", 200, "GuaranteedUpdate etcd3", GrpcMethod.EtcdTxn, true);

    /// <summary>A graceful delete sets deletionTimestamp through GuaranteedUpdate, as pod deletion does.</summary>
    public static readonly ApiVerb Delete = new("DELETE", "Delete", "DELETE", "DELETE", 200, "GuaranteedUpdate etcd3", GrpcMethod.EtcdTxn, true);

    /// <summary>
    /// A watch (<c>GET ...?watch=true</c>): through 1.35 the List handler's span, never ended, so never exported; in
    /// 1.36 a <c>WatchList</c> span for streaming lists only. Served by the cacher, or for a resource without a watch
    /// cache by an etcd watch stream. No storage span: the etcd3 store does not trace watches.
    /// </summary>
    public static readonly ApiVerb Watch = new("GET", ApiserverSpans.List, "WATCH", null, 200, "", GrpcMethod.EtcdWatch, false);

    public bool IsList => this == List;

    public bool IsWatch => this == Watch;
}

/// <summary>One request to the apiserver, before it is written as spans.</summary>
/// <param name="Name">The object's name; for a create, the name of the object created (not in the URL unless a subresource is).</param>
/// <param name="ResourceVersion">
/// The read's <c>resourceVersion</c> parameter: <c>"0"</c> lets the watch cache answer; empty asks for the latest
/// (etcd, or the cache when it can prove it is current: ConsistentListFromCache).
/// </param>
internal sealed record ApiCall(ApiVerb Verb, ApiResource Resource, string Subresource, string Namespace, string Name, ApiCaller Caller,
    string ResourceVersion = "")
{
    /// <summary>Whether the URL names the object (a create of a subresource such as <c>pods/binding</c> does).</summary>
    public bool NamedInUrl => Verb.Named || Subresource.Length > 0;

    public string Path => Resource.Path(Namespace, NamedInUrl ? Name : "", Subresource);

    /// <summary>The request URI with its query, as <c>http.target</c> and the handler's <c>url</c> record it.</summary>
    public string Url => StreamingList ? Path + "?allowWatchBookmarks=true&resourceVersionMatch=NotOlderThan&sendInitialEvents=true&timeoutSeconds=" + WatchTimeoutSeconds + "&watch=true"
        : Verb.IsWatch ? Path + "?allowWatchBookmarks=true&resourceVersion=" + ResourceVersion + "&timeoutSeconds=" + WatchTimeoutSeconds + "&watch=true"
        : ResourceVersion.Length > 0 ? Path + "?resourceVersion=" + ResourceVersion
        : Path;

    /// <summary>A watch that starts with the current state as events (<c>sendInitialEvents=true</c>): a streaming list.</summary>
    public bool StreamingList { get; init; }

    /// <summary>A watch's <c>timeoutSeconds</c>: how long the client asked to keep it open (informers: 5 to 10 minutes).</summary>
    public int WatchTimeoutSeconds { get; init; }

    /// <summary>The handler's <c>scope</c>: resource for a named request or a create, else namespace or cluster.</summary>
    public string Scope => NamedInUrl || Verb == ApiVerb.Create ? "resource" : Namespace.Length > 0 ? "namespace" : "cluster";
}

/// <summary>How a request ended: when its server span ended and the status code it answered; the request body's length (0: none or not simulated).</summary>
internal readonly record struct ApiResult(long End, int Status, int RequestBytes = 0)
{
    public bool Failed => Status >= 400;
}
