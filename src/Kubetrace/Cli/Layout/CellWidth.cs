using System.Text;
using Wcwidth;

namespace Kubetrace.Cli.Layout;

/// <summary>How many terminal cells a text takes: a CJK character two, a combining mark none (wcwidth).</summary>
public static class CellWidth
{
    public static int Of(string text)
    {
        var cells = 0;
        foreach (var rune in text.EnumerateRunes()) cells += Math.Max(0, UnicodeCalculator.GetWidth(rune));
        return cells;
    }
}
