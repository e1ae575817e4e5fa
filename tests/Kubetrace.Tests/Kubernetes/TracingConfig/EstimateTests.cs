using System.Text.Json;
using Kubetrace.Kubernetes.TracingConfig;
using Kubetrace.Tests.Cli;

namespace Kubetrace.Tests.Kubernetes.TracingConfig;

/// <summary><c>kubetrace k8s estimate</c>: the arithmetic, and what the command prints.</summary>
public class EstimateTests
{
    [Fact]
    public void Spans_and_bytes_follow_from_the_sampled_requests_with_etcd_only_under_them()
    {
        // 2,000 requests/s at 10,000 per million (1%) → 20 sampled requests/s; 10 apiserver + 1 etcd spans each.
        var input = new TracingVolumeInput(2_000, 10_000, TimeSpan.FromDays(7), ApiServerSpansPerRequest: 10, EtcdSpansPerRequest: 1);

        var estimate = TracingVolumeEstimate.Of(input);

        Assert.Equal(20, estimate.SampledRequestsPerSecond, 9);
        Assert.Equal(200, estimate.ApiServerSpansPerSecond, 9);
        Assert.Equal(20, estimate.EtcdSpansPerSecond, 9);
        Assert.Equal(220, estimate.SpansPerSecond, 9);
        Assert.Equal(220 * 86_400, estimate.SpansPerDay, 6);
        Assert.Equal(220 * 86_400 * 44.0, estimate.BytesPerDay, 3); // 836,352,000 B ≈ 798 MiB a day
        Assert.Equal(220 * 86_400 * 44.0 * 7, estimate.BytesForRetention, 3);
    }

    [Fact]
    public void At_rate_0_nothing_is_recorded_because_no_request_starts_a_sampled_trace()
    {
        var estimate = TracingVolumeEstimate.Of(new TracingVolumeInput(5_000, 0, TimeSpan.FromDays(30), 10, 1));

        Assert.Equal(0, estimate.SpansPerSecond);
        Assert.Equal(0, estimate.BytesForRetention);
    }

    [Fact]
    public void The_default_size_is_the_store_measurement()
    {
        Assert.Equal(44.0, StoredSpanSize.MeasuredBytesPerSpan);
        Assert.Equal(StoredSpanSize.MeasuredBytesPerSpan, new TracingVolumeInput(1, 1, TimeSpan.FromDays(1), 1, 1).BytesPerSpan);
    }

    [Fact]
    public async Task The_command_prints_a_readable_table()
    {
        var result = await CliRun.RunAsync("k8s", "estimate", "--requests-per-second", "2000", "--sampling-rate-per-million", "10000",
            "--retention", "7d", "--kubernetes-version", "1.34");

        Assert.Equal(0, result.Code);
        Assert.Equal(
            [
                "Sampled apiserver requests      20/s  1 in 100 of 2,000 requests/s",
                "apiserver spans                200/s  10 per sampled request",
                "etcd spans                      20/s  1 per sampled request (ParentBased)",
                "Spans                          220/s  19,008,000 per day",
                "Stored per day               798 MiB  44 B/span",
                "Stored for 7d               5.45 GiB",
            ],
            result.Lines);
    }

    [Fact]
    public async Task Json_gives_every_input_and_result()
    {
        var result = await CliRun.RunAsync("k8s", "estimate", "--requests-per-second", "1000", "--sampling-rate-per-million", "100",
            "--retention", "2w", "--spans-per-request", "9", "--etcd-spans-per-request", "2", "--bytes-per-span", "50", "--json");

        Assert.Equal(0, result.Code);
        var json = JsonDocument.Parse(result.Output).RootElement;
        Assert.Equal(0.1, json.GetProperty("sampledRequestsPerSecond").GetDouble(), 9);
        Assert.Equal(1.1, json.GetProperty("spansPerSecond").GetDouble(), 9);
        Assert.Equal(1.1 * 86_400 * 50, json.GetProperty("bytesPerDay").GetDouble(), 3);
        Assert.Equal(14 * 86_400, json.GetProperty("retentionSeconds").GetDouble());
        Assert.Equal(1.1 * 86_400 * 50 * 14, json.GetProperty("bytesForRetention").GetDouble(), 3);
    }

    [Theory]
    [InlineData("7d", 7 * 24)]
    [InlineData("2w", 14 * 24)]
    [InlineData("36h", 36)]
    [InlineData("1.5d", 36)]
    public void Retention_is_written_in_days_weeks_or_hours(string text, double hours)
    {
        Assert.True(Kubetrace.Cli.K8s.RetentionText.TryParse(text, out var retention));
        Assert.Equal(hours, retention.TotalHours);
    }

    [Fact]
    public async Task A_retention_that_is_not_a_period_is_a_usage_error()
    {
        var result = await CliRun.RunAsync("k8s", "estimate", "--requests-per-second", "10", "--retention", "a week");

        Assert.Equal(2, result.Code);
        Assert.Contains("--retention: \"a week\" is not a period such as 7d, 2w or 36h", result.Error);
    }
}
