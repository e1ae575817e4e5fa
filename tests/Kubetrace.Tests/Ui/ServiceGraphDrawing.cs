using Microsoft.Playwright;

namespace Kubetrace.Tests.Ui;

/// <summary>What the service graph page drew, read from the page: each edge label's and service's box, to check that labels stay readable.</summary>
internal static class ServiceGraphDrawing
{
    /// <summary>What the page drew: a label or a service's box in the graph's units, and how far a label is from its edge's curve.</summary>
    public sealed class Drawn
    {
        public string What { get; set; } = "";
        public double X { get; set; }
        public double Y { get; set; }
        public double Width { get; set; }
        public double Height { get; set; }
        public double FromCurve { get; set; }

        /// <summary>For a label: the other edges whose curves run through it.</summary>
        public string[] CrossedBy { get; set; } = [];

        public bool IsLabel => What.StartsWith("label", StringComparison.Ordinal);

        public bool Overlaps(Drawn other) => X < other.X + other.Width && other.X < X + Width && Y < other.Y + other.Height && other.Y < Y + Height;

        public bool Inside(Drawn other) => X >= other.X && Y >= other.Y && X + Width <= other.X + other.Width && Y + Height <= other.Y + other.Height;
    }

    // Each label's and service's box (getBBox), each label's distance to the nearest point of its edge's curve, and the picture's viewBox.
    private const string DrawnScript = """
        () => {
          const crosses = (path, b) => {
            for (let at = 0; at <= path.getTotalLength(); at += 1) {
              const p = path.getPointAtLength(at);
              if (p.x > b.x && p.x < b.x + b.width && p.y > b.y && p.y < b.y + b.height) return true;
            }
            return false;
          };
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
            const crossedBy = curve ? [...document.querySelectorAll('.graph-edge path')].filter(other => other !== curve && crosses(other, b)).map(other => other.closest('.graph-edge').dataset.key) : [];
            return { What: what, X: b.x, Y: b.y, Width: b.width, Height: b.height, FromCurve: fromCurve, CrossedBy: crossedBy };
          };
          const view = document.querySelector('svg.service-graph').viewBox.baseVal;
          return [
            { What: 'the picture', X: view.x, Y: view.y, Width: view.width, Height: view.height, FromCurve: 0, CrossedBy: [] },
            ...[...document.querySelectorAll('.graph-edge')].map(e =>
              box(`label "${e.querySelector('text').textContent}" of ${e.dataset.key} (${e.dataset.kind})`, e.querySelector('text'), e.querySelector('path'))),
            ...[...document.querySelectorAll('.graph-node')].map(n => box(`service ${n.dataset.service}`, n.querySelector('rect'))),
          ];
        }
        """;

    /// <summary>Each label that covers another label or a service, saying which.</summary>
    public static List<string> LabelsCovering(IReadOnlyList<Drawn> shapes) =>
        (from label in shapes where label.IsLabel from other in shapes where other != label && label.Overlaps(other) select $"{label.What} covers {other.What}").ToList();

    /// <summary>Each label another edge's curve runs through, saying which.</summary>
    public static List<string> LabelsCrossed(IReadOnlyList<Drawn> shapes) =>
        shapes.Where(s => s.CrossedBy.Length > 0).Select(s => $"{s.What} is crossed by {string.Join(", ", s.CrossedBy)}").ToList();

    /// <summary>The picture (first), then each label and each service.</summary>
    public static Task<Drawn[]> DrawnAsync(IPage page) => page.EvaluateAsync<Drawn[]>(DrawnScript);
}
