using Microsoft.Playwright;

namespace Kubetrace.Tests.Ui;

/// <summary>
/// Debian's headless chromium driven by Playwright, shared by the UI tests of a class. Chromium is never
/// downloaded: without /usr/bin/chromium the tests skip with the reason, or fail under CI=true, where .ci/run
/// installs it.
/// </summary>
public sealed class HeadlessChromium : IAsyncDisposable
{
    private const string Chromium = "/usr/bin/chromium";

    /// <summary>How long an action (a click, a navigation) and an expectation (<c>Expect(...).ToHaveTextAsync</c>)
    /// may wait for the page: a deadline for a page that never gets there, not a bound on speed. Playwright's 5 s
    /// default for expectations failed UI tests squeezed onto one busy core (docs/testing.md).</summary>
    private const float ActionTimeoutMs = 20_000;

    static HeadlessChromium() => Assertions.SetDefaultExpectTimeout(ActionTimeoutMs);

    private IPlaywright? _playwright;
    private IBrowser? _browser;

    /// <summary>Why no browser runs here (null when one does).</summary>
    public string? Problem { get; private set; }

    public static async Task<HeadlessChromium> StartAsync()
    {
        var started = new HeadlessChromium();
        if (!File.Exists(Chromium))
        {
            started.Problem = $"Debian's chromium is not installed ({Chromium}; apt-get install -y chromium)";
            return started;
        }
        try
        {
            started._playwright = await Playwright.CreateAsync();
            started._browser = await started._playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = Chromium, Headless = true });
        }
        catch (PlaywrightException e)
        {
            started.Problem = $"{Chromium} did not start under Playwright: {e.Message}";
        }
        return started;
    }

    /// <summary>
    /// A fresh page (own history) on <paramref name="baseUrl"/>, sending <paramref name="headers"/> with every
    /// request (credentials), with the uncaught script errors it raises; skips or fails the test when there is no
    /// browser.
    /// </summary>
    public async Task<(IPage Page, List<string> ScriptErrors)> NewPageAsync(string baseUrl, string? timezoneId = null,
        IEnumerable<KeyValuePair<string, string>>? headers = null)
    {
        Requires.Present(Problem is { } why ? $"the web UI tests need a browser: {why}" : null, ".ci/run installs it when missing.");
        var context = await _browser!.NewContextAsync(new BrowserNewContextOptions { BaseURL = baseUrl, TimezoneId = timezoneId, ExtraHTTPHeaders = headers });
        context.SetDefaultTimeout(ActionTimeoutMs);
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

    public async ValueTask DisposeAsync()
    {
        if (_browser is not null) await _browser.DisposeAsync();
        _playwright?.Dispose();
    }
}
