using System.Text.Json;
using Kubetrace.Otlp.Json;
using Kubetrace.Api.Tempo;
using Kubetrace.Query;
using Kubetrace.Query.Budget;
using Kubetrace.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Kubetrace.Api.Native;

/// <summary>Kubetrace's own versioned JSON API, <c>/api/v1/...</c>, documented in docs/api.md.</summary>
public static class NativeApi
{
    public static void Map(IEndpointRouteBuilder app, ApiHandler api)
    {
        app.MapGet("/api/v1/services", api.Handle(async (context, engine) =>
        {
            var services = await engine.Store.GetServicesAsync(context.RequestAborted);
            await JsonBody.WriteAsync(context, 200, w => WriteStrings(w, "services", services));
        }));
        app.MapGet("/api/v1/services/{service}/operations", api.Handle(async (context, engine) =>
        {
            var service = RouteText.Get(context, "service");
            var operations = await engine.Store.GetOperationsAsync(service, context.RequestAborted);
            await JsonBody.WriteAsync(context, 200, w =>
            {
                w.WriteStartObject();
                w.WriteStartArray("operations");
                foreach (var operation in operations)
                {
                    w.WriteStartObject();
                    w.WriteString("name", operation.Name);
                    w.WriteString("spanKind", operation.SpanKind);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                w.WriteEndObject();
            });
        }));
        app.MapGet("/api/v1/search", api.Handle(Search));
        app.MapGet("/api/v1/traces/{traceId}", api.Handle(Trace));
        app.MapGet("/api/v1/traces/{traceId}/objects", api.Handle(TraceObjectsApi.WriteAsync));
        app.MapGet("/api/v1/attributes", api.Handle(async (context, engine) =>
        {
            var names = await engine.Store.GetAttributeNamesAsync(Scope(context), context.RequestAborted);
            await JsonBody.WriteAsync(context, 200, w => WriteStrings(w, "names", names));
        }));
        app.MapGet("/api/v1/attributes/{key}/values", api.Handle(async (context, engine) =>
        {
            var key = RouteText.Get(context, "key");
            var values = await engine.Store.GetAttributeValuesAsync(Scope(context), key, 1000, context.RequestAborted);
            await JsonBody.WriteAsync(context, 200, w => WriteStrings(w, "values", values));
        }));
        app.MapGet("/api/v1/dependencies", api.Handle(Dependencies));
        app.MapGet("/api/v1/stats", api.Handle((context, engine) => JsonBody.WriteAsync(context, 200, w => WriteStats(w, engine.Store.GetStats()))));
    }

    private static async Task Search(HttpContext context, QueryEngine engine)
    {
        if (NativeSearchParser.ParseTraceQl(context.Request.Query, engine.Clock.GetUtcNow()) is { } traceQl)
        {
            engine.Limits.CheckSpansPerSpanSet(traceQl.SpansPerSpanset);
            using var result = await TempoTraceQl.Run(() => engine.TraceQl().StreamAsync(traceQl, context.RequestAborted));
            await WriteSearchAsync(context, result.Traces,
                result.Traces.ReadAsync().Select(match => NativeWriter.Found(match, traceQl.SpansPerSpanset)));
            return;
        }
        using var answer = await engine.StreamAsync(NativeSearchParser.Parse(context.Request.Query, engine.Clock.GetUtcNow()), context.RequestAborted);
        await WriteSearchAsync(context, answer, answer.ReadAsync());
    }

    /// <summary><c>{"traces":[summary,...],"incomplete":{"limit","message"}}</c>, streamed as the traces are read.</summary>
    private static async Task WriteSearchAsync<T>(HttpContext context, StreamedSearch<T> answer, IAsyncEnumerable<FoundTrace> traces)
        where T : class
    {
        IncompleteAnswer.Mark(context, answer.Incomplete);
        await StreamedJsonAnswer.WriteAsync(context, traces,
            w =>
            {
                w.WriteStartObject();
                w.WriteStartArray("traces");
            },
            NativeWriter.WriteSummary,
            w =>
            {
                w.WriteEndArray();
                if (answer.Incomplete is { } incomplete)
                {
                    w.WriteStartObject("incomplete");
                    w.WriteString("limit", incomplete.Limit);
                    w.WriteString("message", incomplete.Message);
                    w.WriteEndObject();
                }
                w.WriteEndObject();
            });
    }

    private static async Task Trace(HttpContext context, QueryEngine engine)
    {
        if (await TraceOfRouteAsync(context, engine) is not { } spans) return;
        var request = new Otlp.Proto.Collector.ExportTraceServiceRequest();
        request.ResourceSpans.AddRange(spans);
        await JsonBody.WriteAsync(context, 200, w => OtlpJson.Write(w, request));
    }

    /// <summary>The trace the route's <c>{traceId}</c> names, or null when it is not stored (the 404 is written).</summary>
    internal static async Task<IReadOnlyList<Otlp.Proto.Trace.ResourceSpans>?> TraceOfRouteAsync(HttpContext context, QueryEngine engine)
    {
        var text = RouteText.Get(context, "traceId");
        if (!TraceId.TryParse(text, out var id))
            throw new BadQueryException($"\"{text}\" is not a trace ID (1 to 32 hex digits)");
        var spans = await engine.GetTraceAsync(id, context.RequestAborted);
        if (spans is null) await NativeErrors.Instance.WriteAsync(context, 404, $"trace {id} not found");
        return spans;
    }

    private static async Task Dependencies(HttpContext context, QueryEngine engine)
    {
        var query = NativeSearchParser.Parse(context.Request.Query, engine.Clock.GetUtcNow());
        var edges = await engine.Store.GetDependenciesAsync(query.Range, context.RequestAborted);
        await JsonBody.WriteAsync(context, 200, w =>
        {
            w.WriteStartObject();
            w.WriteStartArray("dependencies");
            foreach (var edge in edges)
            {
                w.WriteStartObject();
                w.WriteString("parent", edge.Parent);
                w.WriteString("child", edge.Child);
                w.WriteNumber("callCount", edge.CallCount);
                w.WriteNumber("errorCount", edge.ErrorCount);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        });
    }

    private static AttributeScope Scope(HttpContext context) => context.Request.Query["scope"].ToString() switch
    {
        "" or "any" => AttributeScope.Any,
        "span" => AttributeScope.Span,
        "resource" => AttributeScope.Resource,
        var other => throw new BadQueryException($"scope must be span, resource or any, got \"{other}\""),
    };

    private static void WriteStrings(Utf8JsonWriter w, string name, IEnumerable<string> items)
    {
        w.WriteStartObject();
        w.WriteStartArray(name);
        foreach (var item in items) w.WriteStringValue(item);
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void WriteStats(Utf8JsonWriter w, StoreStats stats)
    {
        w.WriteStartObject();
        w.WriteNumber("spans", stats.Spans);
        w.WriteNumber("traces", stats.Traces);
        w.WriteNumber("bytesOnDisk", stats.BytesOnDisk);
        w.WriteNumber("blocks", stats.Blocks);
        w.WriteNumber("blockBytes", stats.BlockBytes);
        w.WriteNumber("blockSpans", stats.BlockSpans);
        w.WriteNumber("blockBytesPerSpan", Math.Round(stats.BlockBytesPerSpan, 2));
        w.WriteNumber("headSpans", stats.HeadSpans);
        w.WriteNumber("walBytes", stats.WalBytes);
        w.WriteNumber("rollupsBuilt", stats.RollupsBuilt);
        w.WriteNumber("rollupsPending", stats.RollupsPending);
        w.WriteNumber("rollupBytes", stats.RollupBytes);
        w.WriteNumber("damagedRowGroups", stats.DamagedRowGroups);
        w.WriteNumber("blocksUnderOlderKeys", stats.BlocksUnderOlderKeys);
        w.WriteNumber("walSegmentsUnderOlderKeys", stats.WalSegmentsUnderOlderKeys);
        if (stats.Backend is { } backend) WriteBackend(w, backend);
        w.WriteEndObject();
    }

    private static void WriteBackend(Utf8JsonWriter w, BackendStats backend)
    {
        w.WriteStartObject("backend");
        w.WriteString("name", backend.Name);
        w.WriteNumber("insertedSpans", backend.InsertedSpans);
        w.WriteNumber("inserts", backend.Inserts);
        w.WriteNumber("meanInsertSeconds", Math.Round(backend.MeanInsertLatency.TotalSeconds, 6));
        w.WriteNumber("maxInsertSeconds", Math.Round(backend.MaxInsertLatency.TotalSeconds, 6));
        w.WriteNumber("insertsInFlight", backend.InsertsInFlight);
        w.WriteStartArray("servers");
        foreach (var server in backend.Servers)
        {
            w.WriteStartObject();
            w.WriteString("endpoint", server.Endpoint);
            w.WriteNumber("spanRows", server.SpanRows);
            w.WriteNumber("bytesOnDisk", server.BytesOnDisk);
            w.WriteNumber("parts", server.Parts);
            w.WriteNumber("merges", server.Merges);
            w.WriteNumber("delayedInserts", server.DelayedInserts);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }
}
