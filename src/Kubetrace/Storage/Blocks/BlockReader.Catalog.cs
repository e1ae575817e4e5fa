using Kubetrace.Storage.Model;

namespace Kubetrace.Storage.Blocks;

/// <summary>The catalog side of a block (services, operations, attribute names and values, dependencies), all from the footer.</summary>
internal sealed partial class BlockReader
{
    public IEnumerable<string> Services()
    {
        var footer = Footer;
        var (start, end) = footer.Postings.Range(PostingKind.Service, 0);
        for (var i = start; i < end; i++) yield return footer.Dictionaries.Strings[PostingIndex.ValueOf(footer.Postings.KeyAt(i))];
    }

    public IEnumerable<(string Service, string Name, int Kind)> Operations()
    {
        var footer = Footer;
        var strings = footer.Dictionaries.Strings;
        return footer.Operations.Select(o => (strings[o.Service], strings[o.Name], o.Kind));
    }

    public IEnumerable<string> AttributeNames(AttributeScope scope)
    {
        var footer = Footer;
        var names = new HashSet<string>(StringComparer.Ordinal);
        if (scope != AttributeScope.Resource)
            foreach (var key in footer.SpanKeys) names.Add(footer.Dictionaries.Strings[key]);
        if (scope != AttributeScope.Span)
            foreach (var resource in footer.Dictionaries.Resources.Items())
            foreach (var attribute in resource.Attributes)
                names.Add(attribute.Key);
        return names;
    }

    public bool MayHoldKeys(IReadOnlyList<string> keys)
    {
        var footer = Footer;
        if (footer.ExtraKeys is not { } extraKeys) return true; // written before version 4: events and links unknown
        foreach (var key in keys)
        {
            var keyId = footer.Dictionaries.Strings.Find(key);
            if (keyId >= 0 && Array.IndexOf(footer.SpanKeys, keyId) >= 0) continue;
            if (Array.BinarySearch(extraKeys, key, StringComparer.Ordinal) >= 0) continue;
            if (footer.Dictionaries.Resources.Items().Any(r => r.Find(key) is not null)) continue;
            if (footer.Dictionaries.Scopes.Items().Any(s => s.Scope.Attributes.Any(a => a.Key == key))) continue;
            return false;
        }
        return true;
    }

    public IEnumerable<string> AttributeValues(AttributeScope scope, string key)
    {
        var footer = Footer;
        var keyId = footer.Dictionaries.Strings.Find(key);
        if (keyId < 0) yield break;
        if (scope != AttributeScope.Resource)
            foreach (var value in ValuesOf(footer, PostingKind.SpanAttribute, keyId)) yield return value;
        if (scope != AttributeScope.Span)
            foreach (var value in ValuesOf(footer, PostingKind.ResourceAttribute, keyId)) yield return value;
    }

    private static IEnumerable<string> ValuesOf(BlockFooter footer, PostingKind kind, int keyId)
    {
        var (start, end) = footer.Postings.Range(kind, keyId);
        for (var i = start; i < end; i++) yield return footer.Dictionaries.Values.Text(PostingIndex.ValueOf(footer.Postings.KeyAt(i)));
    }

    public void AddDependencies(TimeRange range, Dictionary<(string Parent, string Child), (long Calls, long Errors)> edges)
    {
        var footer = Footer;
        foreach (var bucket in footer.Dependencies)
        {
            if (!range.Overlaps(bucket.Minute * 60_000_000_000L, bucket.Minute * 60_000_000_000L + 59_999_999_999L)) continue;
            var key = (footer.Dictionaries.Strings[bucket.Parent], footer.Dictionaries.Strings[bucket.Child]);
            edges.TryGetValue(key, out var counts);
            edges[key] = (counts.Calls + bucket.Calls, counts.Errors + bucket.Errors);
        }
    }
}
