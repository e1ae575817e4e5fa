namespace Kubetrace.Query.TraceQl;

/// <summary>
/// The structural operators over nested-set numbers (Tempo's ChildOf, DescendantOf, SiblingOf): each returns the
/// right-hand spans that have (or, negated, have not) the relation to some left-hand span; the union forms return
/// the spans of both sides that take part in it. The numbers are the tree's (<see cref="SpanRecord.TreeLeft"/>:
/// Tempo's, and also the subtrees under a missing parent, which Tempo leaves out); spans in no tree take part in
/// nothing, and spans under the same missing parent are not siblings (the parent that would make them so is not
/// there). Each relation is answered in O(n log n) from the left side's numbers, so a trace with many spans stays cheap.
/// </summary>
internal static class Structural
{
    private enum Relation { ChildOf, ParentOf, DescendantOf, AncestorOf, SiblingOf }

    public static List<SpanRecord> Apply(Op op, List<SpanRecord> lhs, List<SpanRecord> rhs)
    {
        lhs = lhs.Where(Numbered).ToList();
        rhs = rhs.Where(Numbered).ToList();
        return op switch
        {
            Op.SpansetChild => Keep(Relation.ChildOf, lhs, rhs, true),
            Op.SpansetNotChild => Keep(Relation.ChildOf, lhs, rhs, false),
            Op.SpansetParent => Keep(Relation.ParentOf, lhs, rhs, true),
            Op.SpansetNotParent => Keep(Relation.ParentOf, lhs, rhs, false),
            Op.SpansetDescendant => Keep(Relation.DescendantOf, lhs, rhs, true),
            Op.SpansetNotDescendant => Keep(Relation.DescendantOf, lhs, rhs, false),
            Op.SpansetAncestor => Keep(Relation.AncestorOf, lhs, rhs, true),
            Op.SpansetNotAncestor => Keep(Relation.AncestorOf, lhs, rhs, false),
            Op.SpansetSibling => Keep(Relation.SiblingOf, lhs, rhs, true),
            Op.SpansetNotSibling => Keep(Relation.SiblingOf, lhs, rhs, false),
            Op.SpansetUnionChild => Union(Relation.ChildOf, Relation.ParentOf, lhs, rhs),
            Op.SpansetUnionParent => Union(Relation.ParentOf, Relation.ChildOf, lhs, rhs),
            Op.SpansetUnionDescendant => Union(Relation.DescendantOf, Relation.AncestorOf, lhs, rhs),
            Op.SpansetUnionAncestor => Union(Relation.AncestorOf, Relation.DescendantOf, lhs, rhs),
            Op.SpansetUnionSibling => Union(Relation.SiblingOf, Relation.SiblingOf, lhs, rhs),
            _ => throw new InvalidOperationException($"not a structural operator: {op}"),
        };
    }

    private static bool Numbered(SpanRecord s) => s.TreeLeft != 0 && s.TreeRight != 0;

    /// <summary>Both sides' spans in the relation (<paramref name="inverse"/> is the relation seen from the left).</summary>
    private static List<SpanRecord> Union(Relation relation, Relation inverse, List<SpanRecord> lhs, List<SpanRecord> rhs)
    {
        var result = new HashSet<SpanRecord>(Keep(relation, lhs, rhs, true));
        result.UnionWith(Keep(inverse, rhs, lhs, true));
        return result.OrderBy(s => s.Index).ToList();
    }

    /// <summary>The right-hand spans for which "r is {relation} some l" is <paramref name="wanted"/>.</summary>
    private static List<SpanRecord> Keep(Relation relation, List<SpanRecord> lhs, List<SpanRecord> rhs, bool wanted)
    {
        Func<SpanRecord, bool> related;
        switch (relation)
        {
            case Relation.ChildOf:
                var lefts = lhs.Select(l => l.TreeLeft).ToHashSet();
                related = r => lefts.Contains(r.TreeParent);
                break;
            case Relation.ParentOf:
                var parents = lhs.Where(l => l.TreeParent > 0).Select(l => l.TreeParent).ToHashSet();
                related = r => parents.Contains(r.TreeLeft);
                break;
            case Relation.SiblingOf:
                var byParent = new Dictionary<int, int>();
                foreach (var l in lhs) byParent[l.TreeParent] = byParent.GetValueOrDefault(l.TreeParent) + 1;
                var inLhs = lhs.ToHashSet();
                related = r => r.TreeParent != 0 && byParent.GetValueOrDefault(r.TreeParent) - (inLhs.Contains(r) ? 1 : 0) > 0;
                break;
            case Relation.DescendantOf:
                // Intervals nest or are disjoint, so among left spans starting before r, the one reaching furthest
                // right contains r exactly when some left span does.
                var sorted = lhs.OrderBy(l => l.TreeLeft).ToArray();
                var starts = sorted.Select(l => l.TreeLeft).ToArray();
                var reach = new int[sorted.Length];
                for (var i = 0; i < sorted.Length; i++) reach[i] = Math.Max(i > 0 ? reach[i - 1] : 0, sorted[i].TreeRight);
                related = r =>
                {
                    var before = LowerBound(starts, r.TreeLeft) - 1;
                    return before >= 0 && reach[before] > r.TreeRight;
                };
                break;
            default: // AncestorOf: some left span starts strictly inside r.
                var leftStarts = lhs.Select(l => l.TreeLeft).Order().ToArray();
                related = r =>
                {
                    var i = LowerBound(leftStarts, r.TreeLeft + 1);
                    return i < leftStarts.Length && leftStarts[i] < r.TreeRight;
                };
                break;
        }
        var result = new List<SpanRecord>();
        foreach (var r in rhs)
            if (related(r) == wanted) result.Add(r);
        return result;
    }

    /// <summary>The first index whose value is at least <paramref name="value"/>.</summary>
    private static int LowerBound(int[] sorted, int value)
    {
        int lo = 0, hi = sorted.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (sorted[mid] < value) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }
}
