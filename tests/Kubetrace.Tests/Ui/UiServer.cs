using System.Net;
using System.Text.Json.Nodes;
using Kubetrace.Kubernetes.Simulation;
using Kubetrace.Tests.Api;
using Microsoft.Playwright;

namespace Kubetrace.Tests.Ui;

/// <summary>
/// One running server filled with a simulated cluster (slow-webhook planted) over real OTLP/HTTP, and one headless
/// Debian chromium (<see cref="HeadlessChromium"/>), shared by the UI tests of a class.
/// </summary>
public class UiServer : IAsyncLifetime
{
    private HeadlessChromium? _browser;

    public QueryServer Server { get; private set; } = null!;

    public SimulationReport Report { get; private set; } = null!;

    public string BaseUrl => Server.QueryUrl;

    /// <summary>The range the pages and API calls over the fixture's data name (docs/testing.md rule 7): the data is made
    /// once when the fixture starts, while a page's default range (the last hour) moves on with the clock.</summary>
    public DataWindow Data { get; } = new(TestDataAge.Now);

    /// <summary>Whether the server is filled with the simulated cluster (an empty one shows the first-run page).</summary>
    protected virtual bool Filled => true;

    public async Task InitializeAsync()
    {
        Server = await QueryServer.StartAsync();
        if (Filled) await FillAsync();
        _browser = await HeadlessChromium.StartAsync();
    }

    /// <summary>Stores what the pages show: the simulated cluster, unless a fixture needs other traces.</summary>
    protected virtual async Task FillAsync() =>
        Report = await SimulatedTraffic.SendAsync(Server.OtlpTracesUrl, new SimulationOptions
        {
            Scenarios = SimulationScenario.SlowWebhook | SimulationScenario.SlowScheduling,
            Start = Data.Made.AddMinutes(-5),
            Duration = TimeSpan.FromSeconds(20),
            RequestsPerSecond = 50,
            Seed = 7,
        });

    /// <summary>
    /// A fresh page (own history) on the UI, with the uncaught script errors it raises; skips or fails the test
    /// when there is no browser.
    /// </summary>
    public Task<(IPage Page, List<string> ScriptErrors)> NewPageAsync(string? timezoneId = null) => _browser!.NewPageAsync(BaseUrl, timezoneId);

    /// <summary>
    /// Full-page screenshots of what the page shows at 1024 and 1600 px wide, kept as test artifacts in the test
    /// output directory (ui-screenshots/NAME-WIDTH.png), never committed.
    /// </summary>
    public static async Task ScreenshotsAsync(IPage page, string name)
    {
        var folder = Path.Combine(AppContext.BaseDirectory, "ui-screenshots");
        Directory.CreateDirectory(folder);
        foreach (var width in new[] { 1024, 1600 })
        {
            await page.SetViewportSizeAsync(width, 900);
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(folder, $"{name}-{width}.png"), FullPage = true });
        }
    }

    /// <summary>The native API's answer, for a test to learn what the page should show.</summary>
    public async Task<JsonNode> ApiAsync(string url)
    {
        using var response = await Server.Query.GetAsync(url);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {url}: {(int)response.StatusCode} {body}");
        return JsonNode.Parse(body)!;
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null) await _browser.DisposeAsync();
        await Server.DisposeAsync();
    }
}

/// <summary>A server with nothing stored, and the browser: what a first run shows.</summary>
public sealed class EmptyUiServer : UiServer
{
    protected override bool Filled => false;
}
