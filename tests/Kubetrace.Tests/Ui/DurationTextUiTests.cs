using Kubetrace.Cli.Query;

namespace Kubetrace.Tests.Ui;

/// <summary>
/// The page writes a duration as the CLI and the analyses' tables do (<see cref="HumanText.Duration"/>): a service
/// graph label and a table cell about the same p99 read alike ("7m34s", never "454s" beside it).
/// </summary>
public sealed class DurationTextUiTests(EmptyUiServer ui) : IClassFixture<EmptyUiServer>
{
    [SkippableFact]
    public async Task Every_duration_reads_as_the_cli_writes_it()
    {
        var (page, scriptErrors) = await ui.NewPageAsync();
        await page.GotoAsync("/ui/search");
        // Each unit's edges, the roundings at three significant digits, and durations spread over every magnitude.
        long[] edges =
        [
            0, 1, 999, 1_000, 1_500, 9_994, 9_995, 9_996, 99_949, 99_950, 999_499, 999_500, 999_999, 1_000_000, 4_200_000,
            12_000_000, 120_000_000, 999_999_999, 1_000_000_000, 1_530_000_000, 1_500_000_000, 59_999_999_999,
            60_000_000_000, 125_000_000_000, 454_000_000_000, 3_599_999_999_999, 3_600_000_000_000, 7_380_000_000_000,
            90_061_000_000_000,
        ];
        var random = new Random(14);
        var nanos = edges.Concat(Enumerable.Range(0, 2_000).Select(_ => (long)Math.Pow(10, random.NextDouble() * 14))).ToArray();

        var written = await page.EvaluateAsync<string[]>(
            "async nanos => { const { duration } = await import('/ui/assets/format.js'); return nanos.map(n => duration(n)); }", nanos);

        var differ = nanos.Select((n, i) => (n, Page: written[i], Cli: HumanText.Duration(n))).Where(d => d.Page != d.Cli)
            .Select(d => $"{d.n} ns: the page writes {d.Page}, the CLI {d.Cli}").ToList();
        Assert.True(differ.Count == 0, $"{differ.Count} of {nanos.Length} durations differ, e.g.\n{string.Join('\n', differ.Take(12))}");
        Assert.Empty(scriptErrors);
    }
}
