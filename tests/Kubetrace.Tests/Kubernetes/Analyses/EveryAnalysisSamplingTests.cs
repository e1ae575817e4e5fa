using System.Globalization;
using System.Text.Json.Nodes;
using Kubetrace.Analysis;
using static Kubetrace.Tests.Kubernetes.Analyses.ObjectTraces;

namespace Kubetrace.Tests.Kubernetes.Analyses;

/// <summary>
/// Every analysis of the catalog, through the API over the object traces (and <see cref="ListTraces"/>): each table row ends with the sampled
/// traces it rests on, each row of the data (the JSON of <c>--json</c>) carries its <c>sample</c>, and the answer
/// says what it rests on. An analysis added to the catalog is checked without anyone remembering to.
/// </summary>
public sealed class EveryAnalysisSamplingTests(AnalysesServer server) : IClassFixture<AnalysesServer>
{
    /// <summary>The argument values of the object traces; a new analysis with other arguments must add its own here.</summary>
    private static readonly Dictionary<string, string> Arguments = new(StringComparer.Ordinal)
    {
        ["trace-id"] = KubeTraces.TraceHex(CreateRequest),
        ["trace-a"] = KubeTraces.TraceHex(CreateRequest),
        ["trace-b"] = KubeTraces.TraceHex(PatchRequest),
        ["object"] = "shop/web-1",
    };

    public static TheoryData<string> Analyses() => new(AnalysisCatalog.All.Select(a => a.Name));

    [Theory]
    [MemberData(nameof(Analyses))]
    public async Task Each_row_carries_the_sampled_traces_behind_it_and_the_answer_what_it_rests_on(string name)
    {
        var analysis = AnalysisCatalog.Find(name)!;
        var query = analysis.Arguments.Select(a => Assert.Contains(a.Name, (IDictionary<string, string>)Arguments) is var value ? $"{a.Name}={value}" : "")
            .Append("sampling-rate-per-million=apiserver=100,kubelet=100,etcd=100,containerd=100,kubectl=100")
            .Append(Spans.WindowQuery); // the object traces' hour: the default one moves on with the clock
        var answer = await server.GetAsync($"/api/v1/analyze/{name}?{string.Join('&', query)}");

        var table = answer["table"]!;
        var rows = table["rows"]!.AsArray();
        Assert.True(rows.Count > 0, $"{name}: the object traces give it rows");
        Assert.Equal(AnalysisJson.TracesColumn, table["columns"]!.AsArray()[^1]!.GetValue<string>());
        foreach (var row in rows) Assert.True(long.Parse(row!.AsArray()[^1]!.GetValue<string>(), NumberStyles.AllowThousands, CultureInfo.InvariantCulture) >= 1);
        Assert.Equal(rows.Count, table["samples"]!.AsArray().Count);
        Assert.StartsWith("Rests on ", table["notes"]!.AsArray()[0]!.GetValue<string>());

        var data = answer["data"]!;
        var sampled = RowArrays(data).Where(a => a.Count == rows.Count).ToList();
        Assert.True(sampled.Count > 0, $"{name}: no array of {rows.Count} rows in the data carries each row's sample");
        Assert.All(sampled[0], row => Assert.True(row!["sample"]!["traces"]!.GetValue<long>() >= 1));
        Assert.All(sampled[0], row => Assert.NotNull(row!["sample"]!["estimated"])); // every component's rate was given
        Assert.True(data["sampling"]!["traces"]!.GetValue<long>() >= 1, $"{name}: data.sampling says what the answer rests on");
    }

    /// <summary>Every array in the JSON whose elements are all objects with a <c>sample</c>.</summary>
    private static IEnumerable<JsonArray> RowArrays(JsonNode node)
    {
        switch (node)
        {
            case JsonArray array:
                if (array.Count > 0 && array.All(e => e is JsonObject o && o.ContainsKey("sample"))) yield return array;
                foreach (var element in array)
                    if (element is not null) foreach (var inner in RowArrays(element)) yield return inner;
                break;
            case JsonObject obj:
                foreach (var (_, value) in obj)
                    if (value is not null) foreach (var inner in RowArrays(value)) yield return inner;
                break;
        }
    }
}
