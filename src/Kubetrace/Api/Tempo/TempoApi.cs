using System.Text.Json;
using Kubetrace.Query;
using Kubetrace.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Kubetrace.Api.Tempo;

/// <summary>
/// The Tempo query API as Grafana's Tempo data source calls it (see docs/api.md and
/// ../shared/conformance/tempo_api.md), on its own port. Searching goes through the shared <see cref="QueryEngine"/>.
/// </summary>
public static class TempoApi
{
    private static readonly string[] IntrinsicTags = ["duration", "kind", "name", "status"];
    private static readonly string[] StatusValues = ["error", "ok", "unset"];
    private static readonly string[] KindValues = ["client", "consumer", "internal", "producer", "server", "unspecified"];
    private const int MaxTagValues = 1000;

    public static void Map(IEndpointRouteBuilder app, ApiHandler api)
    {
        app.MapGet("/api/echo", () => Results.Text("echo"));
        app.MapGet("/ready", () => Results.Text("ready"));
        app.MapGet("/api/status/buildinfo", (HttpContext context) => JsonBody.WriteAsync(context, 200, TempoBuildInfo.Write));
        app.MapGet("/api/traces/{traceId}", api.Handle((c, e) => Trace(c, e, v2: false)));
        app.MapGet("/api/v2/traces/{traceId}", api.Handle((c, e) => Trace(c, e, v2: true)));
        app.MapGet("/api/search", api.Handle(Search));
        app.MapGet("/api/search/tags", api.Handle((c, e) => Tags(c, e, v2: false)));
        app.MapGet("/api/v2/search/tags", api.Handle((c, e) => Tags(c, e, v2: true)));
        app.MapGet("/api/search/tag/{tag}/values", api.Handle((c, e) => TagValues(c, e, v2: false)));
        app.MapGet("/api/v2/search/tag/{tag}/values", api.Handle((c, e) => TagValues(c, e, v2: true)));
    }

    private static async Task Trace(HttpContext context, QueryEngine engine, bool v2)
    {
        var id = TempoIds.ParseTraceId(RouteText.Get(context, "traceId"));
        foreach (var name in new[] { "start", "end" })
            if (context.Request.Query[name].ToString() is { Length: > 0 } text && !GoText.TryParseUint32(text, out _, out var error))
                throw new BadQueryException($"invalid {name}: {error}");
        var trace = await engine.GetTraceAsync(id, context.RequestAborted);
        if (trace is null)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound; // Tempo: 404 with an empty body
            return;
        }
        if (context.Request.Headers.Accept.ToString().Contains("application/protobuf", StringComparison.OrdinalIgnoreCase))
        {
            var bytes = TempoTraceWriter.Protobuf(trace, v2);
            context.Response.ContentType = "application/protobuf";
            context.Response.ContentLength = bytes.Length;
            await context.Response.Body.WriteAsync(bytes, context.RequestAborted);
            return;
        }
        await JsonBody.WriteAsync(context, 200, w => TempoTraceWriter.Json(w, trace, v2));
    }

    private static async Task Search(HttpContext context, QueryEngine engine)
    {
        var query = TempoSearchParser.ToTraceQuery(TempoSearchParser.ParseRequest(context.Request.Query));
        var found = await engine.SearchAsync(query, context.RequestAborted);
        IncompleteAnswer.Mark(context, found);
        await JsonBody.WriteAsync(context, 200, w => TempoSearchWriter.Write(w, found, query));
    }

    private static async Task Tags(HttpContext context, QueryEngine engine, bool v2)
    {
        var scope = context.Request.Query["scope"].ToString();
        if (scope is not ("" or "all" or "span" or "resource" or "intrinsic" or "event" or "link" or "instrumentation"))
            throw new BadQueryException($"invalid scope: {scope}");
        var span = scope is "" or "all" or "span" ? await engine.Store.GetAttributeNamesAsync(AttributeScope.Span, context.RequestAborted) : [];
        var resource = scope is "" or "all" or "resource" ? await engine.Store.GetAttributeNamesAsync(AttributeScope.Resource, context.RequestAborted) : [];
        var intrinsic = scope is "" or "all" or "intrinsic" ? IntrinsicTags : [];
        await JsonBody.WriteAsync(context, 200, w =>
        {
            w.WriteStartObject();
            if (v2)
            {
                w.WriteStartArray("scopes");
                foreach (var (name, tags) in new[] { ("span", span), ("resource", resource), ("intrinsic", (IReadOnlyList<string>)intrinsic) })
                {
                    if (tags.Count == 0 && scope is not ("" or "all")) continue;
                    w.WriteStartObject();
                    w.WriteString("name", name);
                    WriteStrings(w, "tags", tags);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
            }
            else WriteStrings(w, "tagNames", span.Concat(resource).Distinct().Order(StringComparer.Ordinal));
            w.WriteStartObject("metrics");
            w.WriteEndObject();
            w.WriteEndObject();
        });
    }

    private static async Task TagValues(HttpContext context, QueryEngine engine, bool v2)
    {
        var tag = RouteText.Get(context, "tag");
        var (scope, key) = v2 ? ScopedTag(tag) : (AttributeScope.Any, tag);
        IReadOnlyList<string> values;
        var type = "string";
        if (scope == AttributeScope.Intrinsic)
        {
            type = "keyword";
            values = key switch
            {
                "status" => StatusValues,
                "kind" => KindValues,
                "name" => await SpanNames(engine, context.RequestAborted),
                "service" => await engine.Store.GetServicesAsync(context.RequestAborted),
                _ => [],
            };
            if (key is "name" or "service") type = "string";
        }
        else if (key == "service.name" && scope != AttributeScope.Span)
            values = await engine.Store.GetServicesAsync(context.RequestAborted);
        else
            values = await engine.Store.GetAttributeValuesAsync(scope, key, MaxTagValues, context.RequestAborted);
        await JsonBody.WriteAsync(context, 200, w =>
        {
            w.WriteStartObject();
            w.WriteStartArray("tagValues");
            foreach (var value in values)
            {
                if (!v2)
                {
                    w.WriteStringValue(value);
                    continue;
                }
                w.WriteStartObject();
                w.WriteString("type", type);
                w.WriteString("value", value);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteStartObject("metrics");
            w.WriteEndObject();
            w.WriteEndObject();
        });
    }

    /// <summary>A v2 tag names its scope: <c>span.x</c>, <c>resource.x</c>, <c>.x</c> or an intrinsic.</summary>
    private static (AttributeScope Scope, string Key) ScopedTag(string tag)
    {
        if (tag.StartsWith("span.", StringComparison.Ordinal)) return (AttributeScope.Span, tag[5..]);
        if (tag.StartsWith("resource.", StringComparison.Ordinal)) return (AttributeScope.Resource, tag[9..]);
        if (tag.StartsWith('.') && tag.Length > 1) return (AttributeScope.Any, tag[1..]);
        var intrinsic = tag.StartsWith("span:", StringComparison.Ordinal) ? tag[5..] : tag;
        if (intrinsic is "name" or "status" or "kind" or "duration") return (AttributeScope.Intrinsic, intrinsic);
        if (intrinsic is "rootServiceName" or "trace:rootService") return (AttributeScope.Intrinsic, "service");
        throw new BadQueryException($"invalid tag \"{tag}\": use span.x, resource.x, .x or an intrinsic (name, status, kind)");
    }

    private static async Task<IReadOnlyList<string>> SpanNames(QueryEngine engine, CancellationToken cancellationToken)
    {
        var names = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var service in await engine.Store.GetServicesAsync(cancellationToken))
        {
            foreach (var operation in await engine.Store.GetOperationsAsync(service, cancellationToken)) names.Add(operation.Name);
            if (names.Count >= MaxTagValues) break;
        }
        return names.Take(MaxTagValues).ToList();
    }

    private static void WriteStrings(Utf8JsonWriter w, string name, IEnumerable<string> items)
    {
        w.WriteStartArray(name);
        foreach (var item in items) w.WriteStringValue(item);
        w.WriteEndArray();
    }
}
