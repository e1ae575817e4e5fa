namespace Kubetrace.Storage.Scan;

/// <summary>
/// A span event's attribute asked for like an attribute key (<see cref="SpanScanRequest.AttributeKeys"/>):
/// <c>event:Listed items from cache/count</c> is the <c>count</c> of the span's "Listed items from cache" events,
/// summed over them when the span has several (a response written in several writes: their sizes add up), as
/// invariant text; null when the span has no such event with that attribute. An empty attribute key counts the
/// events. What a span's events say (how many objects a LIST returned, how many bytes it wrote) then reaches
/// analyses, and their rollups, through the one scan path that attributes take.
/// </summary>
public static class EventValueKey
{
    public const string Prefix = "event:";

    public static string Of(string eventName, string attributeKey) => $"{Prefix}{eventName}/{attributeKey}";

    /// <summary>The event name and attribute key of an event value key; false for a plain attribute key.</summary>
    public static bool TryParse(string key, out string eventName, out string attributeKey)
    {
        eventName = attributeKey = "";
        if (!key.StartsWith(Prefix, StringComparison.Ordinal)) return false;
        var slash = key.LastIndexOf('/');
        if (slash < Prefix.Length) return false;
        eventName = key[Prefix.Length..slash];
        attributeKey = key[(slash + 1)..];
        return true;
    }
}
