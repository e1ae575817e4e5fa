using System.Text.Json;
using Kubetrace.Analysis;
using Kubetrace.Analysis.Sampling;
using Kubetrace.Query;
using Kubetrace.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Kubetrace.Api.Native;

/// <summary>
/// <c>GET /api/v1/analyze</c> lists the analyses; <c>GET /api/v1/analyze/{name}</c> runs one over
/// <c>since</c> (default 1h) or <c>start</c>/<c>end</c>, with its declared parameters as query parameters.
/// Answer: <c>{"analysis","start","end","data":{...},"table":{"title","columns","rows","notes"}}</c>.
/// </summary>
public static class AnalyzeApi
{
    /// <summary>Taken by every analysis: <c>N</c> or <c>component=N</c>, comma-separated or repeated (<see cref="SamplingRates"/>).</summary>
    public const string SamplingRateParameter = "sampling-rate-per-million";

    private static readonly string[] RangeParameters = ["since", "start", "end"];

    /// <param name="rates">The rates configured for the server (the extension's <c>sampling_rate_per_million</c>).</param>
    public static void Map(IEndpointRouteBuilder app, ApiHandler api, SamplingRates? rates = null)
    {
        app.MapGet("/api/v1/analyze", api.Handle((context, _) => JsonBody.WriteAsync(context, 200, WriteCatalog)));
        app.MapGet("/api/v1/analyze/{name}", api.Handle((context, engine) => Run(context, engine, rates ?? SamplingRates.Unknown)));
    }

    private static async Task Run(HttpContext context, QueryEngine engine, SamplingRates configured)
    {
        var name = RouteText.Get(context, "name");
        var analysis = AnalysisCatalog.Find(name) ?? throw new BadQueryException(
            $"unknown analysis \"{name}\"; known: {string.Join(", ", AnalysisCatalog.All.Select(a => a.Name))}");
        var range = Range(context.Request.Query, engine.Clock.GetUtcNow());
        var parameters = Parameters(context.Request.Query, analysis);
        var rates = configured.With(context.Request.Query[SamplingRateParameter].Select(v => v ?? ""));
        var result = await analysis.RunAsync(new AnalysisRequest(engine, range, parameters) { Sampling = rates }, context.RequestAborted);
        await JsonBody.WriteAsync(context, 200, w =>
        {
            w.WriteStartObject();
            w.WriteString("analysis", analysis.Name);
            w.WriteNumber("start", range.StartUnixNano);
            w.WriteNumber("end", range.EndUnixNano);
            w.WritePropertyName("data");
            JsonSerializer.Serialize(w, result.Data, result.Data.GetType(), AnalysisJson.Options);
            w.WritePropertyName("table");
            AnalysisJson.Write(w, result.Table);
            w.WriteEndObject();
        });
    }

    /// <summary>The range: <c>start</c>/<c>end</c> when given, else the last <c>since</c> (1h) before <c>end</c> or now.</summary>
    public static TimeRange Range(IQueryCollection query, DateTimeOffset now)
    {
        var since = NativeSearchParser.Duration(query, "since") ?? TimeSpan.FromHours(1);
        var end = NativeSearchParser.Time(query, "end") ?? TimeRange.ToNanos(now) + 1;
        var start = NativeSearchParser.Time(query, "start") ?? end - since.Ticks * 100;
        if (end <= start) throw new BadQueryException($"end ({end}) must be after start ({start})");
        return new TimeRange(Math.Max(0, start), end);
    }

    private static Dictionary<string, string> Parameters(IQueryCollection query, AnalysisDefinition analysis)
    {
        var known = analysis.Arguments.Concat(analysis.Options).Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in query)
        {
            if (RangeParameters.Contains(key) || key == SamplingRateParameter) continue;
            if (!known.Contains(key))
                throw new BadQueryException($"{analysis.Name} has no parameter \"{key}\"; it takes: " +
                    string.Join(", ", RangeParameters.Append(SamplingRateParameter).Concat(known)));
            parameters[key] = value.ToString();
        }
        foreach (var argument in analysis.Arguments.Where(a => a.Required))
            if (!parameters.TryGetValue(argument.Name, out var given) || given.Length == 0)
                throw new BadQueryException($"{analysis.Name} needs {argument.Name}: {argument.Description}");
        return parameters;
    }

    private static void WriteCatalog(Utf8JsonWriter w)
    {
        w.WriteStartObject();
        w.WriteStartArray("analyses");
        foreach (var analysis in AnalysisCatalog.All)
        {
            w.WriteStartObject();
            w.WriteString("name", analysis.Name);
            w.WriteString("summary", analysis.Summary);
            WriteParameters(w, "arguments", analysis.Arguments);
            WriteParameters(w, "options", analysis.Options);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void WriteParameters(Utf8JsonWriter w, string name, IReadOnlyList<AnalysisParameter> parameters)
    {
        w.WriteStartArray(name);
        foreach (var parameter in parameters)
        {
            w.WriteStartObject();
            w.WriteString("name", parameter.Name);
            w.WriteString("description", parameter.Description);
            w.WriteBoolean("required", parameter.Required);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }
}
