using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Kubetrace.Kubernetes.Simulation;
using Kubetrace.Tests.Api;

namespace Kubetrace.Tests.Kubernetes.Analyses;

/// <summary>
/// One running server holding five simulated clusters, each sent by <c>kubetrace simulate</c>'s sender over real
/// OTLP/HTTP: slow-webhook, failing-webhook, etcd-slow, apf-throttling and kms-slow, each in a 20-second window of its own
/// within the last hour, so every analysis reads exactly one scenario through <c>start</c>/<c>end</c>.
/// </summary>
public sealed class SimulatedScenarios : IAsyncLifetime
{
    private static readonly SimulationScenario[] Planted =
        [SimulationScenario.SlowWebhook, SimulationScenario.FailingWebhook, SimulationScenario.EtcdSlow, SimulationScenario.ApfThrottling, SimulationScenario.KmsSlow];

    private readonly Dictionary<SimulationScenario, SimulationReport> _reports = [];

    public QueryServer Server { get; private set; } = null!;

    public SimulationReport Report(SimulationScenario scenario) => _reports[scenario];

    public async Task InitializeAsync()
    {
        Server = await QueryServer.StartAsync();
        var origin = DateTimeOffset.FromUnixTimeSeconds(TestDataAge.Now.ToUnixTimeSeconds()).AddMinutes(-50);
        for (var i = 0; i < Planted.Length; i++)
        {
            _reports[Planted[i]] = await SimulatedTraffic.SendAsync(Server.OtlpTracesUrl, new SimulationOptions
            {
                Scenarios = Planted[i], Start = origin.AddMinutes(10 * i), Duration = TimeSpan.FromSeconds(20), RequestsPerSecond = 50,
                Seed = 11 + (ulong)i, // the seed makes the trace IDs: the same seed twice would merge traces of two windows
            });
        }
    }

    /// <summary>Runs an analysis over the scenario's window through the native API; the whole answer (analysis, data, table).</summary>
    public async Task<JsonNode> AnalyseAsync(string analysis, SimulationScenario scenario)
    {
        var report = _reports[scenario];
        var url = $"/api/v1/analyze/{analysis}?start={Nanos(report.Start)}&end={Nanos(report.End.AddSeconds(30))}";
        using var response = await Server.Query.GetAsync(url);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {url}: {(int)response.StatusCode} {body}");
        return JsonNode.Parse(body)!;
    }

    private static string Nanos(DateTimeOffset time) => (time.ToUnixTimeMilliseconds() * 1_000_000L).ToString(CultureInfo.InvariantCulture);

    public async Task DisposeAsync() => await Server.DisposeAsync();
}
