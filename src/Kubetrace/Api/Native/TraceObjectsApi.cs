using Kubetrace.Kubernetes.Analyses.Objects;
using Kubetrace.Kubernetes.Semantics;
using Kubetrace.Query;
using Microsoft.AspNetCore.Http;

namespace Kubetrace.Api.Native;

/// <summary>
/// <c>GET /api/v1/traces/{traceId}/objects</c>: the Kubernetes objects each span of a trace names
/// (<see cref="NamedObjects"/>), so that the UI links every one of them to its object timeline without knowing
/// how each component records them.
/// </summary>
internal static class TraceObjectsApi
{
    public static async Task WriteAsync(HttpContext context, QueryEngine engine)
    {
        if (await NativeApi.TraceOfRouteAsync(context, engine) is not { } spans) return;
        await JsonBody.WriteAsync(context, 200, w =>
        {
            w.WriteStartObject();
            w.WriteStartArray("objects");
            foreach (var view in SpanView.All(spans))
            foreach (var named in NamedObjects.Of(new SpanViewAttributes(view)))
            {
                w.WriteStartObject();
                w.WriteString("spanId", Convert.ToHexStringLower(view.Span.SpanId.Span));
                w.WriteString("namespace", named.Namespace);
                w.WriteString("resource", named.Resource);
                w.WriteString("name", named.Name);
                w.WriteString("object", named.Object);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        });
    }
}
