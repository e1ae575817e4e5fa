using System.Collections.Concurrent;
using Kubetrace.Pipeline;
using Kubetrace.Storage;
using Kubetrace.Telemetry;
using Kubetrace.Tests.EndToEnd.Harness;
using Kubetrace.Tests.TestSupport;
using static Kubetrace.Tests.TestSupport.Spans;

namespace Kubetrace.Tests.Storage;

/// <summary>
/// A full disk refuses every append with a retryable error whose text names no server path, and the store logs
/// the episode once per interval with a count instead of a line (and a stack trace) per refused append.
/// </summary>
public sealed class DiskFullReportingTests
{
    [SkippableFact]
    public async Task Appends_refused_by_a_full_disk_are_logged_once_per_interval_and_answer_without_paths()
    {
        Requires.Present(TmpfsMount.Unavailable is { } why ? $"cannot mount a tmpfs here (run the tests as root): {why}" : null, ".ci/run runs as root.");
        var folder = Path.Combine(Path.GetTempPath(), "kubetrace-diskfull-" + Guid.NewGuid().ToString("N"));
        using var disk = TmpfsMount.Create(folder, "4m");
        var log = new ConcurrentQueue<string>();
        await using var store = EmbeddedTraceStore.Open(new StoreOptions { Directory = disk.Path, FailureLogInterval = TimeSpan.FromHours(1) },
            TestSettings.Capturing(log));
        var filler = disk.Fill();
        var refusals = new List<string>();
        for (var t = 1; refusals.Count < 40; t++)
        {
            Assert.True(t < 2000, "the full disk refused nothing");
            try
            {
                await store.AppendAsync(TraceBatch.FromRequest(Request(Resource("apiserver", Span(t, 1, 0, "root")))), CancellationToken.None);
            }
            catch (ConsumerException e)
            {
                refusals.Add(e.Message);
            }
        }

        Assert.All(refusals, message =>
        {
            Assert.Contains("No space left on device", message);
            Assert.DoesNotContain(folder, message);
        });
        var reports = log.Where(line => line.Contains("WAL write failed", StringComparison.Ordinal)).ToList();
        Assert.Single(reports);
        Assert.DoesNotContain("   at ", reports[0]);
        File.Delete(filler);
    }

    [Fact]
    public void A_throttled_failure_reports_once_per_interval_with_the_count_it_held_back()
    {
        var clock = new ManualClock();
        var throttle = new LogThrottle(TimeSpan.FromSeconds(30), clock);
        var reports = new List<int>();
        for (var second = 0; second < 100; second++)
        {
            clock.Now = DateTimeOffset.UnixEpoch.AddSeconds(second);
            for (var i = 0; i < 10; i++)
                if (throttle.TryReport(out var held)) reports.Add(held);
        }

        // Seconds 0, 30, 60, 90; each later report counts the 300 - 1 occurrences held back in between.
        Assert.Equal([0, 299, 299, 299], reports);
    }
}
