using Kubetrace.Storage.Model;

namespace Kubetrace.Storage.Query;

/// <summary>All conditions of a fetch request, evaluated on span rows.</summary>
internal sealed class SpanFilter
{
    public SpanFilter(FetchRequest request)
    {
        Request = request;
        Matchers = request.Conditions.Select(c => new ConditionMatcher(c)).ToArray();
    }

    public FetchRequest Request { get; }
    public ConditionMatcher[] Matchers { get; }

    public bool Matches(SpanTable table, int row)
    {
        var start = (long)table.Starts.Items[row];
        if (!Request.Range.Contains(start)) return false;
        if (Matchers.Length == 0) return true;
        if (Request.AllConditions)
        {
            foreach (var matcher in Matchers)
                if (!matcher.Matches(table, row)) return false;
            return true;
        }
        foreach (var matcher in Matchers)
            if (matcher.Matches(table, row)) return true;
        return false;
    }
}
