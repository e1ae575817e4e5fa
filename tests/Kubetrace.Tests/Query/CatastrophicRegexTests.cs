using Kubetrace.Tests.TestSupport;
using System.Net;
using System.Text;
using Kubetrace.Storage;
using Kubetrace.Tests.Api;
using ConditionMatcher = Kubetrace.Storage.Query.ConditionMatcher;

namespace Kubetrace.Tests.Query;

/// <summary>
/// A pattern that makes a backtracking engine take exponential time (<c>(a+)+b</c> against <c>"a"×40 + "!"</c>:
/// 2^40 ways to split the a's) is matched in linear time by every search path, so it neither fails the query nor
/// takes the CPU that ingest needs; an invalid pattern is a 400 naming it on every API.
/// </summary>
public sealed class CatastrophicRegexTests
{
    private const string Evil = "(a+)+b";
    private static readonly string Bait = new string('a', 40) + "!";

    [Fact]
    public void The_evil_pattern_is_decided_at_once_on_the_bait_where_backtracking_needs_2_to_the_40_steps()
    {
        var matcher = new ConditionMatcher(new Condition(AttributeScope.Span, "bait", ConditionOp.Regex, Evil));

        // A backtracking engine with the old 1 s timeout threw RegexMatchTimeoutException on the first call.
        for (var i = 0; i < 10_000; i++) Assert.False(matcher.Test(Bait));
        Assert.True(matcher.Test(new string('a', 40) + "b"));
    }

    [Fact]
    public async Task Eight_callers_sending_the_evil_pattern_through_Tempo_and_Jaeger_are_answered_while_every_batch_is_ingested()
    {
        await using var server = await QueryServer.StartAsync();
        await server.PostOtlpJsonAsync(BaitSpans(), "bait spans");

        // A backtracking engine spent a second of CPU on each of these queries and then failed it (500 after its 1 s
        // match timeout), and ingest beside it fell ~100-fold (issue 10). How fast ingest goes beside the queries is
        // the benchmarks' to measure; what is checked here is that every query is answered and every batch taken.
        var callers = Task.WhenAll(Enumerable.Range(0, 8).Select(i => AttackAsync(server, tempo: i >= 2, Evil, answers: 4)));
        var (batches, refused) = await IngestWhileAsync(server, () => !callers.IsCompleted);
        var failures = await callers;

        Assert.Empty(failures.SelectMany(f => f));
        Assert.True(batches > 0, "no batch was sent while the evil queries ran");
        Assert.Empty(refused);
    }

    [Theory]
    [InlineData("tempo", "/api/search?q=%7B%20span.a%20%3D~%20%22%5B%22%20%7D")]
    [InlineData("query", "/api/traces?service=x&tag=a:%5B(")]
    public async Task An_invalid_pattern_is_a_400_naming_it_or_a_plain_value_for_Jaeger(string port, string url)
    {
        await using var server = await QueryServer.StartAsync();

        var response = await (port == "tempo" ? server.Tempo : server.Query).GetAsync(url);

        // Jaeger: a value that is no valid pattern is compared as plain text (as Jaeger's backends without regexes do).
        Assert.Equal(port == "tempo" ? HttpStatusCode.BadRequest : HttpStatusCode.OK, response.StatusCode);
        // Tempo: TraceQL's validator compiles every regex literal (in the linear-time engine) and names the bad one.
        if (port == "tempo") Assert.Contains("invalid regex: `[`", await response.Content.ReadAsStringAsync());
    }

    /// <summary>One caller sending one regex query after another until <paramref name="answers"/> were answered;
    /// the answers other than 200.</summary>
    private static async Task<List<string>> AttackAsync(QueryServer server, bool tempo, string pattern, int answers)
    {
        var failures = new List<string>();
        var url = tempo
            ? $"/api/search?q={Uri.EscapeDataString($"{{ span.bait =~ \"{pattern}\" }}")}&limit=20"
            : $"/api/traces?service=bait&tag={Uri.EscapeDataString($"bait:{pattern}")}&limit=20";
        for (var query = 0; query < answers; query++)
        {
            using var response = await (tempo ? server.Tempo : server.Query).GetAsync(url);
            if (response.StatusCode != HttpStatusCode.OK) failures.Add($"{url}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
        return failures;
    }

    /// <summary>One client sending batches of 100 spans back to back while <paramref name="going"/> holds (at most
    /// 500 batches); the batches sent and the refusals.</summary>
    private static async Task<(int Batches, List<string> Refused)> IngestWhileAsync(QueryServer server, Func<bool> going)
    {
        using var http = new HttpClient();
        var refused = new List<string>();
        var batch = 0;
        for (; batch < 500 && going(); batch++)
        {
            using var content = new StringContent(Batch(batch), Encoding.UTF8, "application/json");
            using var response = await http.PostAsync(server.OtlpTracesUrl, content);
            if (!response.IsSuccessStatusCode) refused.Add($"batch {batch}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
        return (batch, refused);
    }

    private static string Batch(int seed)
    {
        var spans = string.Join(",", Enumerable.Range(0, 100).Select(i =>
            $$$"""{"traceId":"{{{seed:x16}}}{{{i:x16}}}","spanId":"{{{i + 1:x16}}}","name":"load","startTimeUnixNano":"{{{StartNanos()}}}","endTimeUnixNano":"{{{StartNanos() + 1000}}}"}"""));
        return $$$"""{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"load"}}]},"scopeSpans":[{"spans":[{{{spans}}}]}]}]}""";
    }

    private static string BaitSpans()
    {
        var spans = string.Join(",", Enumerable.Range(0, 200).Select(i =>
            $$$"""{"traceId":"{{{i + 1:x32}}}","spanId":"{{{i + 1:x16}}}","name":"bait","startTimeUnixNano":"{{{StartNanos()}}}","endTimeUnixNano":"{{{StartNanos() + 1000}}}","attributes":[{"key":"bait","value":{"stringValue":"{{{Bait}}}{{{i}}}"}}]}"""));
        return $$$"""{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"bait"}}]},"scopeSpans":[{"spans":[{{{spans}}}]}]}]}""";
    }

    private static long StartNanos() => (DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - 60_000) * 1_000_000;
}
