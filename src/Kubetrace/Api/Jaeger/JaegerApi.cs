using Kubetrace.Query;
using Kubetrace.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Kubetrace.Api.Jaeger;

/// <summary>
/// The Jaeger query API as Jaeger UI and Grafana's Jaeger data source call it (see docs/api.md and
/// ../shared/conformance/jaeger_api.md), with the Monitor tab's metrics (<see cref="JaegerMonitorApi"/>) and api_v3
/// (<see cref="JaegerV3Api"/>, its own error format). Searching goes through the shared <see cref="QueryEngine"/>.
/// </summary>
public static class JaegerApi
{
    private static readonly TimeSpan DefaultDependencyLookback = TimeSpan.FromHours(24);

    public static void Map(IEndpointRouteBuilder app, ApiHandler api)
    {
        app.MapGet("/api/services", api.Handle(Services));
        app.MapGet("/api/services/{service}/operations", api.Handle(ServiceOperations));
        app.MapGet("/api/operations", api.Handle(Operations));
        app.MapGet("/api/traces", api.Handle(Search));
        app.MapGet("/api/traces/{traceId}", api.Handle(Trace));
        app.MapGet("/api/dependencies", api.Handle(Dependencies));
        JaegerMonitorApi.Map(app, api);
        JaegerV3Api.Map(app, api.WithErrors(JaegerV3Errors.Instance));
    }

    private static async Task Services(HttpContext context, QueryEngine engine)
    {
        var services = await engine.Store.GetServicesAsync(context.RequestAborted);
        await JaegerEnvelope.WriteAsync(context, 200, w => WriteStrings(w, services), services.Count);
    }

    private static async Task ServiceOperations(HttpContext context, QueryEngine engine)
    {
        var service = RouteText.Get(context, "service");
        var operations = await engine.Store.GetOperationsAsync(service, context.RequestAborted);
        var names = operations.Select(o => o.Name).Distinct().ToList();
        await JaegerEnvelope.WriteAsync(context, 200, w => WriteStrings(w, names), names.Count);
    }

    private static async Task Operations(HttpContext context, QueryEngine engine)
    {
        var service = context.Request.Query["service"].ToString();
        if (service.Length == 0) throw new BadQueryException("parameter 'service' is required");
        var kind = context.Request.Query["spanKind"].ToString();
        var operations = (await engine.Store.GetOperationsAsync(service, context.RequestAborted))
            .Where(o => kind.Length == 0 || o.SpanKind == kind).ToList();
        await JaegerEnvelope.WriteAsync(context, 200, w =>
        {
            w.WriteStartArray();
            foreach (var operation in operations)
            {
                w.WriteStartObject();
                w.WriteString("name", operation.Name);
                w.WriteString("spanKind", operation.SpanKind);
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }, operations.Count);
    }

    /// <summary>
    /// The traces found, then those asked for by ID, streamed as they are read; the errors (an incomplete search, an
    /// unknown ID) follow them in the envelope's <c>errors</c>, written last.
    /// </summary>
    private static async Task Search(HttpContext context, QueryEngine engine)
    {
        var search = JaegerSearchParser.Parse(context.Request.Query, engine.Clock.GetUtcNow());
        using var answer = search.Query is { } query
            ? await engine.StreamAsync(query with { SpansPerTrace = 0, WholeTraces = true }, context.RequestAborted)
            : null;
        var errors = new List<JaegerError>();
        IncompleteAnswer.Mark(context, answer?.Incomplete);
        await StreamedJsonAnswer.WriteAsync(context, Traces(engine, answer, search.TraceIds, errors, context.RequestAborted),
            w =>
            {
                w.WriteStartObject();
                w.WriteStartArray("data");
            },
            (w, trace) => JaegerTraceWriter.Write(w, trace.Id, trace.Spans),
            w =>
            {
                w.WriteEndArray();
                if (answer?.Incomplete is { } incomplete) errors.Insert(0, new JaegerError(0, $"incomplete result: {incomplete.Message}"));
                JaegerEnvelope.WriteTail(w, 0, errors);
            },
            JaegerEnvelope.PrettyPrint(context));
    }

    private static async IAsyncEnumerable<(TraceId Id, IReadOnlyList<Otlp.Proto.Trace.ResourceSpans> Spans)> Traces(QueryEngine engine,
        Query.Budget.StreamedSearch<FoundTrace>? answer, IReadOnlyList<TraceId> ids, List<JaegerError> errors,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        if (answer is not null)
            await foreach (var found in answer.ReadAsync().ConfigureAwait(false))
                yield return (found.Summary.TraceId, found.Spans);
        foreach (var id in ids)
        {
            if (await engine.GetTraceAsync(id, cancellationToken).ConfigureAwait(false) is { } spans) yield return (id, spans);
            else errors.Add(new JaegerError(0, "trace not found", JaegerIds.Format(id)));
        }
    }

    private static async Task Trace(HttpContext context, QueryEngine engine)
    {
        var id = JaegerIds.ParseTraceId(RouteText.Get(context, "traceId"));
        var spans = await engine.GetTraceAsync(id, context.RequestAborted);
        if (spans is null)
        {
            await JaegerErrors.Instance.WriteAsync(context, 404, "trace not found");
            return;
        }
        await JaegerEnvelope.WriteAsync(context, 200, w =>
        {
            w.WriteStartArray();
            JaegerTraceWriter.Write(w, id, spans);
            w.WriteEndArray();
        });
    }

    private static async Task Dependencies(HttpContext context, QueryEngine engine)
    {
        var now = engine.Clock.GetUtcNow();
        var endMs = Millis(context, "endTs") ?? now.ToUnixTimeMilliseconds();
        var lookbackMs = Millis(context, "lookback") ?? (long)DefaultDependencyLookback.TotalMilliseconds;
        if (lookbackMs < 0) throw new BadQueryException("unable to parse param 'lookback': must not be negative");
        var range = new TimeRange(Math.Max(0, endMs - lookbackMs) * 1_000_000, (endMs + 1) * 1_000_000);
        var edges = await engine.Store.GetDependenciesAsync(range, context.RequestAborted);
        await JaegerEnvelope.WriteAsync(context, 200, w =>
        {
            w.WriteStartArray();
            foreach (var edge in edges)
            {
                w.WriteStartObject();
                w.WriteString("parent", edge.Parent);
                w.WriteString("child", edge.Child);
                w.WriteNumber("callCount", edge.CallCount);
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }, edges.Count);
    }

    private static long? Millis(HttpContext context, string name)
    {
        var text = context.Request.Query[name].ToString();
        if (text.Length == 0) return null;
        if (!GoText.TryParseInt64(text, out var value, out var error))
            throw new BadQueryException($"unable to parse param '{name}': {error}");
        return value;
    }

    private static void WriteStrings(System.Text.Json.Utf8JsonWriter writer, IEnumerable<string> items)
    {
        writer.WriteStartArray();
        foreach (var item in items) writer.WriteStringValue(item);
        writer.WriteEndArray();
    }
}
