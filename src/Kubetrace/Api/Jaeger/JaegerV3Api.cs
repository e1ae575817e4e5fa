using System.Text.Json;
using Kubetrace.Otlp.Json;
using Kubetrace.Otlp.Proto.Trace;
using Kubetrace.Query;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Kubetrace.Api.Jaeger;

/// <summary>
/// Jaeger's api_v3 over HTTP, as Jaeger UI 2.x calls it (cmd/jaeger/internal/extension/jaegerquery/internal/apiv3/
/// http_gateway.go): traces as OTLP JSON in <c>{"result":{"resourceSpans":[...]}}</c> (IDs in hex), services and
/// operations in the proto3 JSON of GetServicesResponse / GetOperationsResponse (empty lists left out), errors in
/// <see cref="JaegerV3Errors"/>. A search or fetch that finds nothing is Jaeger's 404 <c>No traces found</c>.
/// Mapped by <see cref="JaegerApi.Map"/>, through the same <see cref="ApiHandler"/> (slots, budgets) as v1.
/// </summary>
public static class JaegerV3Api
{
    public static void Map(IEndpointRouteBuilder app, ApiHandler api)
    {
        app.MapGet("/api/v3/traces/{trace_id}", api.Handle(Trace));
        app.MapGet("/api/v3/traces", api.Handle(Search));
        app.MapGet("/api/v3/trace-summaries", api.Handle(Summaries));
        app.MapGet("/api/v3/services", api.Handle(Services));
        app.MapGet("/api/v3/operations", api.Handle(Operations));
    }

    private static async Task Trace(HttpContext context, QueryEngine engine)
    {
        var id = JaegerV3Params.ParseTraceId(RouteText.Get(context, "trace_id"));
        var raw = JaegerV3Params.ParseTraceFetch(context.Request.Query);
        var trace = await engine.GetTraceAsync(id, context.RequestAborted);
        await WriteTracesAsync(context, trace is null ? [] : [trace], raw);
    }

    /// <summary>The traces found, streamed as they are read (<see cref="StreamedJsonAnswer"/>): the answer is never
    /// built whole. A search that chose none is Jaeger's 404.</summary>
    private static async Task Search(HttpContext context, QueryEngine engine)
    {
        var search = JaegerV3Params.ParseSearch(context.Request.Query);
        using var answer = await engine.StreamAsync(search.Query, context.RequestAborted);
        if (answer.Count == 0) throw new NotFoundException("No traces found");
        IncompleteAnswer.Mark(context, answer.Incomplete);
        await StreamedJsonAnswer.WriteAsync(context, answer.ReadAsync(), OpenTraces, (w, found) => WriteTrace(w, found.Spans, search.RawTraces), CloseTraces);
    }

    /// <summary>The same search answered as Jaeger UI's result list reads it (<see cref="JaegerTraceSummaries"/>), streamed.</summary>
    private static async Task Summaries(HttpContext context, QueryEngine engine)
    {
        var search = JaegerV3Params.ParseSearch(context.Request.Query);
        using var answer = await engine.StreamAsync(search.Query, context.RequestAborted);
        IncompleteAnswer.Mark(context, answer.Incomplete);
        var summaries = new JaegerTraceSummaries.Writer();
        await StreamedJsonAnswer.WriteAsync(context, answer.ReadAsync(), summaries.Open, (w, found) => summaries.Write(w, found.Spans), summaries.Close);
    }

    private static Task WriteTracesAsync(HttpContext context, IReadOnlyList<IReadOnlyList<ResourceSpans>> traces, bool raw)
    {
        if (traces.Count == 0) throw new NotFoundException("No traces found");
        return JsonBody.WriteAsync(context, 200, w =>
        {
            OpenTraces(w);
            foreach (var trace in traces) WriteTrace(w, trace, raw);
            CloseTraces(w);
        });
    }

    /// <summary>The traces' resource spans go in one OTLP object (Jaeger combines them).</summary>
    private static void OpenTraces(Utf8JsonWriter w)
    {
        w.WriteStartObject();
        w.WriteStartObject("result");
        w.WriteStartArray("resourceSpans");
    }

    /// <summary>One trace's resource spans; unless raw, as Jaeger's adjusters leave them: a span stored twice (a
    /// client's retry) appears once.</summary>
    private static void WriteTrace(Utf8JsonWriter w, IReadOnlyList<ResourceSpans> trace, bool raw)
    {
        foreach (var resourceSpans in raw ? trace : DuplicateSpans.Remove(trace))
            OtlpJson.Write(w, resourceSpans);
    }

    private static void CloseTraces(Utf8JsonWriter w)
    {
        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static async Task Services(HttpContext context, QueryEngine engine)
    {
        var services = await engine.Store.GetServicesAsync(context.RequestAborted);
        await JsonBody.WriteAsync(context, 200, w => WriteList(w, "services", services, (writer, service) => writer.WriteStringValue(service)));
    }

    private static async Task Operations(HttpContext context, QueryEngine engine)
    {
        var service = context.Request.Query["service"].ToString();
        var kind = JaegerV3Params.SpanKind(context.Request.Query);
        // Jaeger's stores list the operations of one service; without one there is nothing to list.
        var operations = service.Length == 0 ? [] : await engine.Store.GetOperationsAsync(service, context.RequestAborted);
        var matching = operations.Where(o => kind.Length == 0 || o.SpanKind == kind).ToList();
        await JsonBody.WriteAsync(context, 200, w => WriteList(w, "operations", matching, (writer, operation) =>
        {
            writer.WriteStartObject();
            writer.WriteString("name", operation.Name);
            writer.WriteString("spanKind", operation.SpanKind.Length == 0 ? "internal" : operation.SpanKind);
            writer.WriteEndObject();
        }));
    }

    /// <summary>A response message with one repeated field, left out when empty (proto3 JSON without defaults).</summary>
    private static void WriteList<T>(Utf8JsonWriter writer, string name, IReadOnlyCollection<T> items, Action<Utf8JsonWriter, T> write)
    {
        writer.WriteStartObject();
        if (items.Count > 0)
        {
            writer.WriteStartArray(name);
            foreach (var item in items) write(writer, item);
            writer.WriteEndArray();
        }
        writer.WriteEndObject();
    }
}
