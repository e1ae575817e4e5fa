using Kubetrace.Tests.TestSupport;
using System.Diagnostics;
using System.Net;
using System.Text;
using Kubetrace.Storage;
using Kubetrace.Tests.Api;
using Xunit.Abstractions;
using ConditionMatcher = Kubetrace.Storage.Query.ConditionMatcher;

namespace Kubetrace.Tests.Query;

/// <summary>
/// A pattern that makes a backtracking engine take exponential time (<c>(a+)+b</c> against <c>"a"×40 + "!"</c>:
/// 2^40 ways to split the a's) is matched in linear time by every search path, so it neither fails the query nor
/// takes the CPU that ingest needs; an invalid pattern is a 400 naming it on every API.
/// </summary>
[Collection(RunsAloneCollection.Name)]
public sealed class CatastrophicRegexTests(ITestOutputHelper output)
{
    private const string Evil = "(a+)+b", Ordinary = "a+b";
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
    public async Task Ingest_keeps_its_rate_while_eight_callers_send_the_evil_pattern_through_Tempo_and_Jaeger()
    {
        await using var server = await QueryServer.StartAsync();
        await server.PostOtlpJsonAsync(BaitSpans(), "bait spans");
        using (var warmUp = new CancellationTokenSource(TimeSpan.FromSeconds(1))) // JIT the query and ingest paths first
            await Task.WhenAll(AttackAsync(server, tempo: true, Evil, warmUp.Token), AttackAsync(server, tempo: false, Evil, warmUp.Token),
                IngestForAsync(server, TimeSpan.FromSeconds(1)));

        // The same callers send an ordinary pattern in one window and the evil one in another, in turn (ABBA...), so
        // that what any attribute regex search costs (it reads the head's rows, which grow with the ingest) and the
        // machine's drift hit both alike.
        long ordinary = 0, evil = 0, evilQueries = 0;
        var failures = new List<string>();
        for (var round = 0; round < 8; round++)
        {
            foreach (var pattern in round % 2 == 0 ? new[] { Ordinary, Evil } : [Evil, Ordinary])
            {
                using var stop = new CancellationTokenSource();
                var callers = Enumerable.Range(0, 8).Select(i => AttackAsync(server, tempo: i >= 2, pattern, stop.Token)).ToList();
                var accepted = await IngestForAsync(server, TimeSpan.FromSeconds(1));
                await stop.CancelAsync();
                var answered = await Task.WhenAll(callers);
                failures.AddRange(answered.SelectMany(a => a.Failures));
                if (pattern == Evil) (evil, evilQueries) = (evil + accepted, evilQueries + answered.Sum(a => a.Queries));
                else ordinary += accepted;
                output.WriteLine($"round {round}, {pattern}: {accepted:N0} spans accepted");
            }
        }
        output.WriteLine($"spans accepted: {ordinary:N0} beside ordinary queries, {evil:N0} beside {evilQueries:N0} evil ones");

        Assert.Empty(failures);
        Assert.True(evilQueries >= 16, $"only {evilQueries} evil queries answered");
        // Within 20% in principle; the bound is wider because equal windows on a shared machine (load average 30-50
        // on 2 cores when this was written) differ up to tenfold by themselves. A backtracking engine cut ingest
        // ~100-fold (issue 10), and its queries failed (500 after a 1 s match timeout), which the assertion above
        // catches deterministically.
        Assert.True(evil >= ordinary * 0.5, $"ingest fell from {ordinary:N0} to {evil:N0} spans under the attack");
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

    /// <summary>
    /// A paced caller: one regex query, its answer, 200 ms, again (the pause keeps the load of the queries themselves
    /// small: a Jaeger tag search reads every candidate trace, regex or not). Returns queries answered and failures.
    /// With a backtracking engine each of these queries took a second of CPU.
    /// </summary>
    private static async Task<(long Queries, List<string> Failures)> AttackAsync(QueryServer server, bool tempo, string pattern,
        CancellationToken stop)
    {
        var failures = new List<string>();
        long queries = 0;
        var url = tempo
            ? $"/api/search?q={Uri.EscapeDataString($"{{ span.bait =~ \"{pattern}\" }}")}&limit=20"
            : $"/api/traces?service=bait&tag={Uri.EscapeDataString($"bait:{pattern}")}&limit=20";
        while (!stop.IsCancellationRequested)
        {
            try
            {
                using var response = await (tempo ? server.Tempo : server.Query).GetAsync(url, CancellationToken.None);
                queries++;
                if (response.StatusCode != HttpStatusCode.OK) failures.Add($"{url}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                await Task.Delay(200, stop);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
            }
        }
        return (queries, failures);
    }

    /// <summary>One client sending batches of 100 spans back to back; the spans acknowledged in the window.</summary>
    private static async Task<long> IngestForAsync(QueryServer server, TimeSpan window)
    {
        using var http = new HttpClient();
        var clock = Stopwatch.StartNew();
        long accepted = 0;
        for (var batch = 0; clock.Elapsed < window; batch++)
        {
            using var content = new StringContent(Batch(batch), Encoding.UTF8, "application/json");
            using var response = await http.PostAsync(server.OtlpTracesUrl, content);
            if (response.IsSuccessStatusCode) accepted += 100;
        }
        return accepted;
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
