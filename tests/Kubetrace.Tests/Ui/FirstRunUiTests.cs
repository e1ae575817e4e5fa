using static Microsoft.Playwright.Assertions;

namespace Kubetrace.Tests.Ui;

/// <summary>An empty store: the search page says how to send data instead of showing an empty result.</summary>
public sealed class FirstRunUiTests(EmptyUiServer ui) : IClassFixture<EmptyUiServer>
{
    [SkippableFact]
    public async Task An_empty_store_shows_the_otlp_endpoints_the_simulate_command_and_the_tracing_config_commands()
    {
        var (page, scriptErrors) = await ui.NewPageAsync();

        await page.GotoAsync("/ui/search?lookback=7d");

        var help = page.Locator(".first-run");
        await Expect(help.Locator("h2")).ToHaveTextAsync("No traces yet: send some");
        await Expect(help).ToContainTextAsync("127.0.0.1:4317");
        await Expect(help).ToContainTextAsync("http://127.0.0.1:4318/v1/traces");
        await Expect(help).ToContainTextAsync("kubetrace simulate --endpoint 127.0.0.1:4317 --backfill 1h");
        foreach (var component in new[] { "apiserver", "kubelet", "etcd", "containerd" })
            await Expect(help).ToContainTextAsync($"kubetrace k8s tracing-config --component {component} --endpoint 127.0.0.1:4317");
        await Expect(page.GetByRole(Microsoft.Playwright.AriaRole.Alert)).ToHaveCountAsync(0);
        await UiServer.ScreenshotsAsync(page, "first-run");
        Assert.Empty(scriptErrors);
    }
}
