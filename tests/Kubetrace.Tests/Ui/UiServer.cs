using System.Net;
using System.Text.Json.Nodes;
using Kubetrace.Bench;
using Kubetrace.Kubernetes.Simulation;
using Kubetrace.Tests.Api;
using Microsoft.Playwright;

namespace Kubetrace.Tests.Ui;

/// <summary>
/// One running server filled with a simulated cluster (slow-webhook planted) over real OTLP/HTTP, and one headless
/// Debian chromium driven by Playwright, shared by the UI tests of a class. Chromium is never downloaded: without
/// /usr/bin/chromium the tests skip with the reason, or fail under CI=true, where .ci/run installs it.
/// </summary>
public class UiServer : IAsyncLifetime
{
    private const string Chromium = "/usr/bin/chromium";

    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public QueryServer Server { get; private set; } = null!;

    public SimulationReport Report { get; private set; } = null!;

    /// <summary>Why no browser runs here (null when one does).</summary>
    public string? BrowserProblem { get; private set; }

    public string BaseUrl => Server.Query.BaseAddress!.ToString().TrimEnd('/');

    /// <summary>Whether the server is filled with the simulated cluster (an empty one shows the first-run page).</summary>
    protected virtual bool Filled => true;

    public async Task InitializeAsync()
    {
        Server = await QueryServer.StartAsync();
        if (Filled) await FillAsync();
        await StartBrowserAsync();
    }

    private async Task FillAsync()
    {
        var simulator = new ClusterSimulator(new SimulationOptions
        {
            Scenarios = SimulationScenario.SlowWebhook | SimulationScenario.SlowScheduling,
            Start = DateTimeOffset.UtcNow.AddMinutes(-5),
            Duration = TimeSpan.FromSeconds(20),
            RequestsPerSecond = 50,
            Seed = 7,
        });
        var sent = await SimulationSender.SendAsync(simulator,
            new SimulationSendOptions { Endpoint = Server.OtlpTracesUrl, Protocol = BenchProtocol.Http }, CancellationToken.None);
        Assert.True(sent.FailedBatches == 0 && sent.RejectedSpans == 0, $"simulated traffic was refused: {sent}");
        Report = simulator.Report;
    }

    private async Task StartBrowserAsync()
    {
        if (!File.Exists(Chromium))
        {
            BrowserProblem = $"Debian's chromium is not installed ({Chromium}; apt-get install -y chromium)";
            return;
        }
        try
        {
            _playwright = await Playwright.CreateAsync();
            _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = Chromium, Headless = true });
        }
        catch (PlaywrightException e)
        {
            BrowserProblem = $"{Chromium} did not start under Playwright: {e.Message}";
        }
    }

    /// <summary>
    /// A fresh page (own history) on the UI, with the uncaught script errors it raises; skips or fails the test
    /// when there is no browser.
    /// </summary>
    public async Task<(IPage Page, List<string> ScriptErrors)> NewPageAsync(string? timezoneId = null)
    {
        Requires.Present(BrowserProblem is { } why ? $"the web UI tests need a browser: {why}" : null, ".ci/run installs it when missing.");
        var context = await _browser!.NewContextAsync(new BrowserNewContextOptions { BaseURL = BaseUrl, TimezoneId = timezoneId });
        context.SetDefaultTimeout(20_000);
        var page = await context.NewPageAsync();
        var errors = new List<string>();
        page.PageError += (_, error) => errors.Add(error);
        // A Content-Security-Policy violation is reported on the console, not as a page error: count it as one, so
        // every UI test also checks that the UI works under the strict policy (docs/security.md).
        page.Console += (_, message) =>
        {
            if (message.Text.Contains("Content Security Policy", StringComparison.Ordinal)) errors.Add($"CSP violation: {message.Text}");
        };
        return (page, errors);
    }

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
        _playwright?.Dispose();
        await Server.DisposeAsync();
    }
}

/// <summary>A server with nothing stored, and the browser: what a first run shows.</summary>
public sealed class EmptyUiServer : UiServer
{
    protected override bool Filled => false;
}
