using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Kubetrace.Tests.Ui;

/// <summary>
/// The flow view in a real browser over a simulated cluster whose scheduler is planted slow: a user names a
/// Deployment that was rolled out and sees every step of every component on one time axis, the named gaps where
/// they fall (the planted scheduling delay among them), each pod's phases, and nothing missing (every trace kept).
/// </summary>
public sealed class FlowViewTests(UiServer ui) : IClassFixture<UiServer>
{
    [SkippableFact]
    public async Task A_rolled_out_deployments_flow_shows_every_step_and_the_planted_scheduling_delay_between_create_and_binding()
    {
        var (page, scriptErrors) = await ui.NewPageAsync();
        // A Deployment rolled out once in the window: the flow of one rolled out twice shows its latest action.
        Assert.Equal(ui.Report.DeploymentRollouts, ui.Report.Rollouts.Count); // every rollout is in the report
        var rollout = ui.Report.Rollouts.First(r => r.Pods.All(p => p.Node is not null) &&
            ui.Report.Rollouts.Count(o => o.Namespace == r.Namespace && o.Deployment == r.Deployment) == 1);
        var planted = ui.Report.SlowScheduling!.Delay;
        var target = $"deployment/{rollout.Namespace}/{rollout.Deployment}";
        var expected = (await ui.ApiAsync($"/api/v1/analyze/flow?object={Uri.EscapeDataString(target)}&{ui.Data.Query}"))["data"]!;
        var since = ui.Data.Since;

        await page.GotoAsync("/ui/flow");
        await page.GetByLabel("Object").FillAsync(target);
        await page.GetByLabel("Since").FillAsync(since);
        await page.GetByRole(AriaRole.Button, new() { Name = "Show flow" }).ClickAsync();

        await Expect(page).ToHaveURLAsync(new Regex($"/ui/flow/{Regex.Escape(Uri.EscapeDataString(target))}\\?since={since}$"));
        await Expect(page.Locator(".flow h2")).ToHaveTextAsync($"Deployment {rollout.Namespace}/{rollout.Deployment}");
        await Expect(page.Locator(".flow-step")).ToHaveCountAsync(expected["steps"]!.AsArray().Count);
        var kinds = await page.Locator(".flow-step").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.kind)");
        // Each component's first step after the one before it (background status updates may fall in between).
        string[] sequence = ["clientCall", "deploymentWrite", "replicaSetCreate", "podCreate", "binding", "syncPod", "cri", "containerd", "podStatus"];
        var firsts = sequence.Select(k => Array.IndexOf(kinds, k)).ToList();
        Assert.DoesNotContain(-1, firsts);
        Assert.Equal(firsts.Order(), firsts);

        foreach (var pod in rollout.Pods)
        {
            // The gap row sits right before the pod's binding step, and reads the planted delay.
            var gap = page.Locator($".flow-gap[data-gap='scheduling delay'][data-pod='{pod.Name}']");
            await Expect(gap.Locator(".flow-gap-value")).ToHaveTextAsync(Written(planted));
            var next = await gap.EvaluateAsync<string>("row => row.nextElementSibling.dataset.kind");
            Assert.Equal("binding", next);
            await Expect(page.Locator($".flow-phases tr[data-pod='{pod.Name}'] td[data-gap='scheduling delay']")).ToHaveTextAsync(Written(planted));
        }
        await Expect(page.Locator(".flow-missing")).ToHaveCountAsync(0);
        Assert.Empty(scriptErrors);
    }

    [SkippableFact]
    public async Task A_pod_nobody_touched_is_an_error_the_user_can_read()
    {
        var (page, scriptErrors) = await ui.NewPageAsync();

        await page.GotoAsync($"/ui/flow/pod%2Fshop%2Fno-such-pod?{ui.Data.Query}");

        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("no span in the range names shop/no-such-pod");
        Assert.Empty(scriptErrors);
    }

    /// <summary>As the UI's duration() writes it, by the CLI's rules: 4 s → "4s".</summary>
    private static string Written(TimeSpan value) => Kubetrace.Cli.Query.HumanText.Duration(value.Ticks * 100);
}
