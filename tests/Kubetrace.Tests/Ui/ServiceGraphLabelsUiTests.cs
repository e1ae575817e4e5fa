using static Microsoft.Playwright.Assertions;

namespace Kubetrace.Tests.Ui;

/// <summary>The service graph's edge labels can be read where many edges run close: none covers another label or a service, each sits by its edge.</summary>
public sealed class ServiceGraphLabelsUiTests(DenseGraphUiServer ui) : IClassFixture<DenseGraphUiServer>
{
    /// <summary>What the page drew: a label or a service's box in the graph's units, and how far a label is from its edge's curve.</summary>
    private sealed class Drawn
    {
        public string What { get; set; } = "";
        public double X { get; set; }
        public double Y { get; set; }
        public double Width { get; set; }
        public double Height { get; set; }
        public double FromCurve { get; set; }

        public bool IsLabel => What.StartsWith("label", StringComparison.Ordinal);

        public bool Overlaps(Drawn other) => X < other.X + other.Width && other.X < X + Width && Y < other.Y + other.Height && other.Y < Y + Height;

        public bool Inside(Drawn other) => X >= other.X && Y >= other.Y && X + Width <= other.X + other.Width && Y + Height <= other.Y + other.Height;
    }

    // Each label's and service's box (getBBox), each label's distance to the nearest point of its edge's curve, and the picture's viewBox.
    private const string DrawnScript = """
        () => {
          const box = (what, element, curve) => {
            const b = element.getBBox();
            let fromCurve = 0;
            if (curve) {
              fromCurve = Infinity;
              for (let at = 0; at <= curve.getTotalLength(); at += 2) {
                const p = curve.getPointAtLength(at);
                fromCurve = Math.min(fromCurve, Math.hypot(Math.max(b.x - p.x, 0, p.x - b.x - b.width), Math.max(b.y - p.y, 0, p.y - b.y - b.height)));
              }
            }
            return { What: what, X: b.x, Y: b.y, Width: b.width, Height: b.height, FromCurve: fromCurve };
          };
          const view = document.querySelector('svg.service-graph').viewBox.baseVal;
          return [
            { What: 'the picture', X: view.x, Y: view.y, Width: view.width, Height: view.height, FromCurve: 0 },
            ...[...document.querySelectorAll('.graph-edge')].map(e =>
              box(`label "${e.querySelector('text').textContent}" of ${e.dataset.key} (${e.dataset.kind})`, e.querySelector('text'), e.querySelector('path'))),
            ...[...document.querySelectorAll('.graph-node')].map(n => box(`service ${n.dataset.service}`, n.querySelector('rect'))),
          ];
        }
        """;

    [SkippableFact]
    public async Task No_edge_label_covers_another_label_or_a_service_and_each_sits_by_its_edge()
    {
        var (page, scriptErrors) = await ui.NewPageAsync();
        await page.GotoAsync($"/ui/graph?since={ui.Data.Since}");
        await Expect(page.Locator(".graph-edge text")).ToHaveCountAsync(DenseGraphUiServer.Edges);

        var drawn = await page.EvaluateAsync<Drawn[]>(DrawnScript);
        var (picture, shapes) = (drawn[0], drawn[1..]);
        var labels = shapes.Where(d => d.IsLabel).ToList();
        var overlaps = (from label in labels from other in shapes where other != label && label.Overlaps(other) select $"{label.What} covers {other.What}").ToList();
        Assert.True(overlaps.Count == 0, string.Join("\n", overlaps));
        Assert.All(labels, l => Assert.True(l.FromCurve <= 16, $"{l.What} is {l.FromCurve:0} units from its edge"));
        Assert.All(shapes, s => Assert.True(s.Inside(picture), $"{s.What} is cut off: outside the picture's {picture.Width:0}×{picture.Height:0}"));
        await UiServer.ScreenshotsAsync(page, "service-graph-dense");
        Assert.Empty(scriptErrors);
    }
}
