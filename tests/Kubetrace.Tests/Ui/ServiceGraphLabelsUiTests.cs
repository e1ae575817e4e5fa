using static Microsoft.Playwright.Assertions;

namespace Kubetrace.Tests.Ui;

/// <summary>The service graph's edge labels can be read where many edges run close: none covers another label or a service, each sits by its edge.</summary>
public sealed class ServiceGraphLabelsUiTests(DenseGraphUiServer ui) : IClassFixture<DenseGraphUiServer>
{
    [SkippableFact]
    public async Task No_edge_label_covers_another_label_or_a_service_and_each_sits_by_its_edge()
    {
        var (page, scriptErrors) = await ui.NewPageAsync();
        await page.GotoAsync($"/ui/graph?since={ui.Data.Since}");
        await Expect(page.Locator(".graph-edge text")).ToHaveCountAsync(DenseGraphUiServer.Edges);

        var drawn = await ServiceGraphDrawing.DrawnAsync(page);
        var (picture, shapes) = (drawn[0], drawn[1..]);
        var labels = shapes.Where(d => d.IsLabel).ToList();
        var overlaps = ServiceGraphDrawing.LabelsCovering(shapes);
        Assert.True(overlaps.Count == 0, string.Join("\n", overlaps));
        Assert.All(labels, l => Assert.True(l.FromCurve <= 16, $"{l.What} is {l.FromCurve:0} units from its edge"));
        Assert.All(shapes, s => Assert.True(s.Inside(picture), $"{s.What} is cut off: outside the picture's {picture.Width:0}×{picture.Height:0}"));
        await UiServer.ScreenshotsAsync(page, "service-graph-dense");
        Assert.Empty(scriptErrors);
    }
}
