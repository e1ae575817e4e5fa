using System.Text.Json.Nodes;
using Kubetrace.Kubernetes.Simulation;
using Kubetrace.Tests.Api;
using Kubetrace.Tests.Cli;

namespace Kubetrace.Tests.Kubernetes.Analyses;

/// <summary>
/// The image-pull-slow scenario end to end: the simulator plants one slow image and sends the cluster's traces over
/// real OTLP/HTTP to a running server; <c>pods</c> must name that image first, with its pull time and its excess
/// over other pulls within 10% of what was planted. The object timeline of the slowest pod is checked on the same
/// realistic traffic.
/// </summary>
public sealed class ImagePullSlowScenarioTests(ImagePullSlowScenarioTests.Cluster cluster) : IClassFixture<ImagePullSlowScenarioTests.Cluster>
{
    /// <summary>Usual pulls are drawn uniformly from 300ms to <see cref="PlantedSlowImage.UsualPullTimeMax"/> (KubeletWriter).</summary>
    private static readonly TimeSpan UsualPullTimeMin = TimeSpan.FromMilliseconds(300);

    public sealed class Cluster : IAsyncLifetime
    {
        public QueryServer Server { get; private set; } = null!;

        public SimulationReport Planted { get; private set; } = null!;

        public string Url => Server.QueryUrl;

        /// <summary>A <c>--since</c> reaching back to the simulation's start, however long the class has run.</summary>
        public string Since => TestDataAge.Since(Planted.Start);

        public async Task InitializeAsync()
        {
            Server = await QueryServer.StartAsync();
            Planted = await SimulatedTraffic.SendAsync(Server.OtlpTracesUrl, new SimulationOptions
            {
                Scenarios = SimulationScenario.ImagePullSlow,
                Start = DateTimeOffset.FromUnixTimeSeconds(TestDataAge.Now.AddMinutes(-20).ToUnixTimeSeconds()),
                Duration = TimeSpan.FromSeconds(60),
                Seed = 7,
            });
        }

        public async Task DisposeAsync() => await Server.DisposeAsync();
    }

    [Fact]
    public async Task Pods_names_the_planted_image_first_with_its_added_pull_time_within_10_percent()
    {
        var planted = cluster.Planted.SlowImage!;
        Assert.True(planted.Pulls >= 2, $"the simulation pulled the slow image {planted.Pulls} times: too few to measure");

        var result = await CliRun.RunAsync("analyze", "pods", "--by", "image", "--since", cluster.Since, "--server", cluster.Url, "--json");

        Assert.True(result.Code == 0, result.Error);
        var images = JsonNode.Parse(result.Output)!["images"]!.AsArray();
        var slowest = images[0]!;
        Assert.Equal(planted.Image, slowest["image"]!.GetValue<string>());
        Assert.Equal(planted.Pulls, slowest["pulls"]!.GetValue<int>());
        AssertWithin10Percent(planted.PullTime.Ticks * 100, slowest["p50Nanos"]!.GetValue<long>(), "pull p50");
        // Added latency: over the usual pulls' median, the middle of the range the simulator draws them from.
        var usualMedian = (UsualPullTimeMin + planted.UsualPullTimeMax) / 2;
        AssertWithin10Percent((planted.PullTime - usualMedian).Ticks * 100, slowest["addedP50Nanos"]!.GetValue<long>(), "added p50");
        Assert.All(images.Skip(1), i => Assert.True(i!["p99Nanos"]!.GetValue<long>() <= planted.UsualPullTimeMax.Ticks * 100));
    }

    [Fact]
    public async Task The_slow_images_pull_time_is_in_its_registry_fetch()
    {
        var planted = cluster.Planted.SlowImage!;

        var images = (await CliJsonAsync("analyze", "pods", "--by", "image", "--since", cluster.Since))["images"]!.AsArray();

        var split = images.Single(i => i!["image"]!.GetValue<string>() == planted.Image)!["pullSplit"]!;
        Assert.Equal(planted.Pulls, split["pulls"]!.GetValue<int>()); // containerd 1.7 (1.34's default) traced every pull
        var (fetch, unpack, rest) = (split["fetchNanos"]!.GetValue<long>(), split["unpackNanos"]!.GetValue<long>(), split["restNanos"]!.GetValue<long>());
        Assert.Equal(split["pullNanos"]!.GetValue<long>(), fetch + unpack + rest);
        Assert.True(fetch > 2 * (unpack + rest), $"fetch {fetch / 1e6:0}ms, unpack {unpack / 1e6:0}ms, rest {rest / 1e6:0}ms");
        var usualFetchMax = images.Where(i => i!["image"]!.GetValue<string>() != planted.Image)
            .Max(i => i!["pullSplit"]!["fetchNanos"]!.GetValue<long>() / i["pullSplit"]!["pulls"]!.GetValue<long>());
        Assert.True(fetch / planted.Pulls > 2 * usualFetchMax, "the slow image's mean fetch stands out from every other image's");
        // The planted delay is the registry's: unpacking takes what a usual pull's does (at most 30% of one).
        Assert.True(unpack / planted.Pulls <= planted.UsualPullTimeMax.Ticks * 100 * 3 / 10, $"mean unpack {unpack / planted.Pulls / 1e6:0}ms");
        AssertWithin10Percent((planted.PullTime - (UsualPullTimeMin + planted.UsualPullTimeMax) / 2 * 3 / 10).Ticks * 100, fetch / planted.Pulls, "mean fetch");
    }

    [Fact]
    public async Task The_pod_table_puts_a_pod_of_the_slow_image_first_and_the_image_table_says_so()
    {
        var pods = await CliRun.RunAsync("analyze", "pods", "--since", cluster.Since, "--server", cluster.Url, "--width", "250");
        var images = await CliRun.RunAsync("analyze", "pods", "--by", "image", "--since", cluster.Since, "--server", cluster.Url, "--width", "250");

        Assert.True(pods.Code == 0, pods.Error);
        var firstRow = pods.Lines.SkipWhile(l => !l.StartsWith('─')).Skip(1).First();
        Assert.Contains(cluster.Planted.SlowImage!.Image, firstRow, StringComparison.Ordinal);
        Assert.Contains($"slowest image: {cluster.Planted.SlowImage.Image}", images.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_slowest_pods_object_timeline_follows_it_from_creation_to_its_status_update()
    {
        var pods = (await CliJsonAsync("analyze", "pods", "--since", cluster.Since, "--limit", "1"))["pods"]!.AsArray();
        var pod = pods[0]!["pod"]!.GetValue<string>();

        var timeline = await CliJsonAsync("analyze", "object", pod, "--since", cluster.Since);

        var operations = timeline["entries"]!.AsArray().Select(e => e!["spanName"]!.GetValue<string>()).ToList();
        Assert.Contains("Create", operations);          // the deployer's create, then the scheduler's binding
        Assert.Contains("syncPod", operations);
        Assert.Contains("pkg.cri.server.PullImage", operations);
        Assert.Contains("Patch", operations);           // the kubelet's status update
        var relations = timeline["entries"]!.AsArray().Select(e => e!["relation"]!.GetValue<string>()).ToHashSet();
        Assert.Superset(new HashSet<string> { "attribute", "etcdKey", "under", "link" }, relations);
        var starts = timeline["entries"]!.AsArray().Select(e => e!["startUnixNano"]!.GetValue<long>()).ToList();
        Assert.Equal(starts.Order(), starts);
    }

    private async Task<JsonNode> CliJsonAsync(params string[] args)
    {
        var result = await CliRun.RunAsync([.. args, "--server", cluster.Url, "--json"]);
        Assert.True(result.Code == 0, result.Error);
        return JsonNode.Parse(result.Output)!;
    }

    private static void AssertWithin10Percent(long expected, long actual, string what) =>
        Assert.True(Math.Abs(actual - expected) <= expected / 10,
            $"{what}: {actual / 1e6:0.#}ms, planted {expected / 1e6:0.#}ms (more than 10% apart)");
}
