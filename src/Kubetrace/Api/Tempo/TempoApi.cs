using System.Text.Json;
using Kubetrace.Query;
using Kubetrace.Query.TraceQl;
using AttributeScope = Kubetrace.Storage.AttributeScope;
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
    public static void Map(IEndpointRouteBuilder app, ApiHandler api)
    {
        app.MapGet("/api/echo", () => Results.Text("echo"));
        app.MapGet("/ready", () => Results.Text("ready"));
        app.MapGet("/api/status/buildinfo", (HttpContext context) => JsonBody.WriteAsync(context, 200, TempoBuildInfo.Write));
        app.MapGet("/api/traces/{traceId}", api.Handle((c, e) => Trace(c, e, v2: false)));
        app.MapGet("/api/v2/traces/{traceId}", api.Handle((c, e) => Trace(c, e, v2: true)));
        app.MapGet("/api/search", api.Handle(Search));
        app.MapGet("/api/search/tags", api.Handle((c, e) => TempoTags.TagsAsync(c, e, v2: false)));
        app.MapGet("/api/v2/search/tags", api.Handle((c, e) => TempoTags.TagsAsync(c, e, v2: true)));
        app.MapGet("/api/search/tag/{tag}/values", api.Handle((c, e) => TempoTags.ValuesAsync(c, e, v2: false)));
        app.MapGet("/api/v2/search/tag/{tag}/values", api.Handle((c, e) => TempoTags.ValuesAsync(c, e, v2: true)));
        app.MapGet("/api/metrics/query_range", api.Handle(TempoMetricsApi.QueryRangeAsync));
        app.MapGet("/api/metrics/query", api.Handle(TempoMetricsApi.QueryInstantAsync));
        app.MapGet("/api/metrics/summary", api.Handle(TempoMetricsSummaryApi.SummaryAsync));
    }

    private static async Task Trace(HttpContext context, QueryEngine engine, bool v2)
    {
        var id = TempoIds.ParseTraceId(RouteText.Get(context, "traceId"));
        foreach (var name in new[] { "start", "end" })
            if (context.Request.Query[name].ToString() is { Length: > 0 } text && !GoText.TryParseUint32(text, out _, out var error))
                throw new BadQueryException($"invalid {name}: {error}");
        var stored = await engine.GetTraceAsync(id, context.RequestAborted);
        var trace = stored is null ? null : DuplicateSpans.Remove(stored);
        if (trace is null)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound; // Tempo: 404 with an empty body
            return;
        }
        if (context.Request.Headers.Accept.ToString().Contains("application/protobuf", StringComparison.OrdinalIgnoreCase))
        {
            await JsonBody.WriteFinishedAsync(context, 200, "application/protobuf", TempoTraceWriter.Protobuf(trace, v2));
            return;
        }
        await JsonBody.WriteAsync(context, 200, w => TempoTraceWriter.Json(w, trace, v2));
    }

    private static async Task Search(HttpContext context, QueryEngine engine)
    {
        var request = TempoSearchParser.ParseRequest(context.Request.Query);
        if (request.Query.Length > 0)
        {
            await TraceQlSearchAsync(context, engine, request);
            return;
        }
        var query = TempoSearchParser.ToTraceQuery(request);
        using var answer = await engine.StreamAsync(query, context.RequestAborted);
        var written = 0;
        var write = TempoSearchWriter.TraceWriter(query);
        await WriteSearchAsync(context, answer, answer.ReadAsync(), (w, trace) =>
        {
            written++;
            write(w, trace);
        }, w => TempoSearchWriter.WriteEnd(w, written, null, answer.Incomplete is null));
    }

    private static async Task TraceQlSearchAsync(HttpContext context, QueryEngine engine, TempoSearchRequest request)
    {
        var search = TempoSearchParser.ToTraceQlSearch(request);
        engine.Limits.CheckSpansPerSpanSet(search.SpansPerSpanset);
        using var result = await TempoTraceQl.Run(() => engine.TraceQl().StreamAsync(search, context.RequestAborted));
        await WriteSearchAsync(context, result.Traces, result.Traces.ReadAsync(), TempoTraceQlWriter.TraceWriter(search.Query, search.SpansPerSpanset),
            w => TempoSearchWriter.WriteEnd(w, result.Cost.InspectedTraces, result.Cost.InspectedSpans, result.Traces.Incomplete is null));
    }

    /// <summary>A SearchResponse streamed as its traces are read (<see cref="StreamedJsonAnswer"/>).</summary>
    private static Task WriteSearchAsync<T>(HttpContext context, Query.Budget.StreamedSearch<T> answer, IAsyncEnumerable<T> traces,
        Action<System.Text.Json.Utf8JsonWriter, T> write, Action<System.Text.Json.Utf8JsonWriter> end) where T : class
    {
        IncompleteAnswer.Mark(context, answer.Incomplete);
        return StreamedJsonAnswer.WriteAsync(context, traces, TempoSearchWriter.WriteStart, write, end);
    }
}
