namespace Kubetrace.Kubernetes.Catalog;

/// <summary>
/// The span names and instrumentation scopes of kube-apiserver's request path, as its code spells them
/// (<see cref="ApiserverCatalog"/> cites where). The simulator writes and the analyses read these constants, so
/// neither spells a span name of its own.
/// </summary>
public static class ApiserverSpans
{
    /// <summary>The apiserver's <c>service.name</c> (<c>apiserverService</c> in <c>pkg/server/options/tracing.go</c>).</summary>
    public const string Component = "apiserver";

    public const string OtelHttpScope = "go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp";

    /// <summary>The filter spans' tracer name, with its upstream typo (<c>k8s.op</c>).</summary>
    public const string FilterLatencyScope = "k8s.op/apiserver/pkg/endpoints/filterlatency";

    public const string ComponentBaseScope = "k8s.io/component-base/tracing";

    /// <summary>The otelhttp server span's name before 1.31; from 1.31 <c>&lt;METHOD&gt; &lt;route&gt;</c> (a bare method for non-resource requests).</summary>
    public const string LegacyServerSpan = "KubernetesAPI";

    public const string Authentication = "authentication";
    public const string Audit = "audit";
    public const string Impersonation = "impersonation";
    /// <summary>1.36 with the ConstrainedImpersonation feature gate on, in place of <see cref="Impersonation"/>.</summary>
    public const string ConstrainedImpersonation = "constrainedimpersonation";
    public const string PriorityAndFairness = "priorityandfairness";
    public const string Authorization = "authorization";

    public const string Create = "Create";
    public const string Get = "Get";
    public const string List = "List";
    public const string Update = "Update";
    public const string Patch = "Patch";
    /// <summary>Both DELETE handlers (one object and a collection) name their span <c>Delete</c>.</summary>
    public const string Delete = "Delete";
    /// <summary>1.36: a streaming list (a watch with sendInitialEvents=true and allowWatchBookmarks).</summary>
    public const string WatchList = "WatchList";

    public const string SerializeObject = "SerializeObject";
    public const string WatchServer = "WatchServer.HandleHTTP";

    public const string MutatingWebhook = "Call mutating webhook";
    public const string ValidatingWebhook = "Call validating webhook";
    /// <summary>otelhttp's client span around a webhook call (<c>"HTTP " + method</c> in every otelhttp the apiserver uses).</summary>
    public const string WebhookPost = "HTTP POST";
    /// <summary>otelhttp's client span of the loopback client and of the aggregator's proxy (<c>"HTTP " + method</c>).</summary>
    public const string OtelHttpClientSpan = "HTTP <METHOD>";

    /// <summary>The user the loopback client authenticates as (<c>user.APIServerUser</c>), in group system:masters.</summary>
    public const string LoopbackUser = "system:apiserver";

    /// <summary>The filters traced from 1.34, outermost first: each span is the parent of the next, the handler under the last.</summary>
    public static readonly IReadOnlyList<string> NestedFilters = [Audit, Impersonation, PriorityAndFairness, Authorization];

    public static readonly IReadOnlyList<string> Handlers = [Create, Get, List, Update, Patch, Delete, WatchList];

    public static bool IsHandler(string name) => name is Create or Get or List or Update or Patch or Delete or WatchList;

    public static bool IsFilter(string name) =>
        name is Authentication or Audit or Impersonation or ConstrainedImpersonation or PriorityAndFairness or Authorization;

    public static bool IsWebhook(string name) => name is MutatingWebhook or ValidatingWebhook;
}

/// <summary>Attribute keys the apiserver's request path records, as its code spells them.</summary>
public static class ApiserverKeys
{
    // Handler spans (traceFields, pkg/endpoints/handlers/trace_util.go); SerializeObject and WatchServer share some.
    public const string Accept = "accept";
    public const string AuditId = "audit-id";
    public const string Client = "client";
    public const string ApiGroup = "api-group";
    public const string ApiVersion = "api-version";
    public const string Name = "name";
    public const string Subresource = "subresource";
    public const string Namespace = "namespace";
    public const string Protocol = "protocol";
    public const string Resource = "resource";
    public const string Scope = "scope";
    /// <summary>The request path without the query (<c>req.URL.Path</c>).</summary>
    public const string Url = "url";
    public const string UserAgent = "user-agent";
    public const string Verb = "verb";

    public const string Method = "method";
    public const string MediaType = "mediaType";
    public const string Encoder = "encoder";

    // Webhook spans (pkg/admission/plugin/webhook/{mutating,validating}/dispatcher.go).
    public const string Configuration = "configuration";
    public const string Webhook = "webhook";
    public const string Operation = "operation";
    public const string Uid = "UID";

    /// <summary>The request URI with its query: otelhttp's own on 1.27/1.28, Kubernetes' from 1.29 (traces.go), still set beside <c>url.path</c> from 1.35.</summary>
    public const string HttpTarget = "http.target";

    // Event attributes.
    public const string Len = "len";
    public const string Err = "err";
    public const string Count = "count";
    public const string Size = "size";
    public const string Writer = "writer";
    public const string FirstWrite = "firstWrite";
}

/// <summary>Event names the apiserver's request path records (handlers, response writer, webhooks).</summary>
public static class ApiserverEvents
{
    public const string ReadBodySucceeded = "limitedReadBody succeeded";
    public const string ReadBodyFailed = "limitedReadBody failed";
    public const string AboutToConvert = "About to convert to expected version";
    public const string ConversionDone = "Conversion done";
    public const string AboutToStore = "About to store object in database";
    public const string WriteSucceeded = "Write to database call succeeded";
    public const string WriteFailed = "Write to database call failed";
    public const string AboutToWriteResponse = "About to write a response";
    public const string ResponseDone = "Writing http response done";
    public const string AboutToGet = "About to Get from storage";
    public const string AboutToProcessGetOptions = "About to process Get options";
    public const string AboutToList = "About to List from storage";
    public const string ListingDone = "Listing from storage done";
    public const string RecordedAudit = "Recorded the audit event";
    public const string DecodedDeleteOptions = "Decoded delete options";
    public const string AboutToDelete = "About to delete object from database";
    public const string Deleted = "Object deleted from database";
    public const string AboutToApplyPatch = "About to apply patch";
    public const string AboutToAdmit = "About to check admission control";
    public const string Stored = "Object stored in database";
    public const string AboutToStartWriting = "About to start writing response";
    public const string WriteCallSucceeded = "Write call succeeded";
    public const string WriteCallFailed = "Write call failed";
    public const string InitialEventsDone = "Writing initial events done";
    public const string RequestCompleted = "Request completed";
    public const string PatchApplied = "Patch applied";
}
