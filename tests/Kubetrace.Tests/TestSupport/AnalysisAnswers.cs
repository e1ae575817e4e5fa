using System.Text;
using System.Text.Json;
using Kubetrace.Analysis;
using Kubetrace.Query;
using Kubetrace.Storage;

namespace Kubetrace.Tests.TestSupport;

/// <summary>
/// Runs an analysis straight on a store, over all time, and gives its answer as the API writes it (the data, then the
/// table): for tests that compare two ways of answering (two stores, rollups against scans) to the byte.
/// </summary>
internal static class AnalysisAnswers
{
    /// <summary>The analysis over <paramref name="store"/> with <paramref name="parameters"/> as in a URL's query (<c>by=image&amp;limit=3</c>).</summary>
    public static async Task<AnalysisResult> RunAsync(AnalysisDefinition definition, ITraceStore store, string parameters)
    {
        var given = parameters.Split('&', StringSplitOptions.RemoveEmptyEntries).Select(p => p.Split('='))
            .ToDictionary(p => p[0], p => p[1]);
        return await definition.RunAsync(new AnalysisRequest(new QueryEngine(store), TimeRange.All, given), CancellationToken.None);
    }

    /// <summary>The answer as the API writes it: the data, then the table.</summary>
    public static string Json(AnalysisResult result)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer)) AnalysisJson.Write(writer, result.Table);
        return JsonSerializer.Serialize(result.Data, result.Data.GetType(), AnalysisJson.Options) + Encoding.UTF8.GetString(buffer.ToArray());
    }
}
