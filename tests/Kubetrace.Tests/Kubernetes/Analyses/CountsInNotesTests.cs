using System.Text.RegularExpressions;
using Kubetrace.Analysis.ServiceGraph;
using Kubetrace.Kubernetes.Analyses.Pods;

namespace Kubetrace.Tests.Kubernetes.Analyses;

/// <summary>
/// Counts in the analyses' notes read as the tables' do: from 1,000 on with thousands separators ("from 12,345 spans
/// of 2,345 traces", "1,492 image pulls"), never a bare run of four or more digits.
/// </summary>
public sealed class CountsInNotesTests(MixedScenarioStore cluster) : IClassFixture<MixedScenarioStore>
{
    [Theory]
    [InlineData("graph", "spans of")]
    [InlineData("pods", "spans")]
    public async Task Every_count_in_the_notes_has_thousands_separators(string analysis, string counted)
    {
        var definition = analysis == "graph" ? ServiceGraphAnalysis.Definition : PodsAnalysis.Definition;
        var notes = (await AnalysisAnswers.RunAsync(definition, cluster.Store, "")).Table.Notes;

        Assert.Contains(notes, n => Regex.IsMatch(n, $@"\d{{1,3}}(,\d{{3}})+ {counted}")); // the traffic reads over a thousand spans
        Assert.All(notes, n => Assert.DoesNotMatch(@"(?<![\w.,:-])\d{4,}(?![\w.,:-])", n));
    }
}
