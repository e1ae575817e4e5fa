using System.Text.RegularExpressions;
using Kubetrace.Pipeline;
using Kubetrace.Processors.Batch;

namespace Kubetrace.Tests.Processors.Batch;

/// <summary>
/// The batch processor logs failures of the next consumer (already acknowledged spans, now dropped) at most once per
/// ten seconds of its clock, each line with the spans lost since the last one, and the rest at shutdown.
/// </summary>
public partial class SendFailureLogTests
{
    private static readonly Exception Down = ConsumerException.Unavailable("exporter down");

    [Fact]
    public void The_first_failure_is_logged_at_once_and_later_ones_once_ten_seconds_of_the_clock_have_passed()
    {
        var clock = new ManualClock();
        var test = new TestSettings("batch");
        var log = new SendFailureLog(test.Settings.CreateLogger(), clock);

        log.Record(1, Down);
        log.Record(2, Down);
        clock.Advance(TimeSpan.FromSeconds(10) - TimeSpan.FromTicks(1));
        log.Record(3, Down); // within ten seconds of the first line: held back
        Assert.Equal([1], Dropped(test));

        clock.Advance(TimeSpan.FromTicks(1));
        log.Record(4, Down); // ten seconds on: one line for the four failures since
        log.Record(5, Down);
        log.Flush(); // at shutdown: what was held back

        Assert.Equal([1, 9, 5], Dropped(test));
    }

    private static List<int> Dropped(TestSettings test) =>
        [.. test.Log.Select(line => int.Parse(SpansDropped().Match(line).Groups[1].Value))];

    [GeneratedRegex(@"(\d+) span\(s\) were dropped")]
    private static partial Regex SpansDropped();
}
