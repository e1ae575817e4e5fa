using Kubetrace.Storage.Model;

namespace Kubetrace.Storage.Blocks;

/// <summary>The catalog side of a block (services, operations, attribute names and values, dependencies), all from the footer.</summary>
internal sealed partial class BlockReader
{
    private StringTable Strings => Footer.Dictionaries.Strings;

    public IEnumerable<string> Services()
    {
        var (start, end) = Footer.Postings.Range(PostingKind.Service, 0);
        for (var i = start; i < end; i++) yield return Strings[PostingIndex.ValueOf(Footer.Postings.KeyAt(i))];
    }

    public IEnumerable<(string Service, string Name, int Kind)> Operations() =>
        Footer.Operations.Select(o => (Strings[o.Service], Strings[o.Name], o.Kind));

    public IEnumerable<string> AttributeNames(AttributeScope scope)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        if (scope != AttributeScope.Resource)
            foreach (var key in Footer.SpanKeys) names.Add(Strings[key]);
        if (scope != AttributeScope.Span)
            foreach (var resource in Footer.Dictionaries.Resources.Items())
            foreach (var attribute in resource.Attributes)
                names.Add(attribute.Key);
        return names;
    }

    public bool MayHoldKeys(IReadOnlyList<string> keys)
    {
        if (Footer.ExtraKeys is not { } extraKeys) return true; // written before version 4: events and links unknown
        foreach (var key in keys)
        {
            var keyId = Strings.Find(key);
            if (keyId >= 0 && Array.IndexOf(Footer.SpanKeys, keyId) >= 0) continue;
            if (Array.BinarySearch(extraKeys, key, StringComparer.Ordinal) >= 0) continue;
            if (Footer.Dictionaries.Resources.Items().Any(r => r.Find(key) is not null)) continue;
            if (Footer.Dictionaries.Scopes.Items().Any(s => s.Scope.Attributes.Any(a => a.Key == key))) continue;
            return false;
        }
        return true;
    }

    public IEnumerable<string> AttributeValues(AttributeScope scope, string key)
    {
        var keyId = Strings.Find(key);
        if (keyId < 0) yield break;
        if (scope != AttributeScope.Resource)
            foreach (var value in ValuesOf(PostingKind.SpanAttribute, keyId)) yield return value;
        if (scope != AttributeScope.Span)
            foreach (var value in ValuesOf(PostingKind.ResourceAttribute, keyId)) yield return value;
    }

    private IEnumerable<string> ValuesOf(PostingKind kind, int keyId)
    {
        var (start, end) = Footer.Postings.Range(kind, keyId);
        for (var i = start; i < end; i++) yield return Footer.Dictionaries.Values.Text(PostingIndex.ValueOf(Footer.Postings.KeyAt(i)));
    }

    public void AddDependencies(TimeRange range, Dictionary<(string Parent, string Child), (long Calls, long Errors)> edges)
    {
        foreach (var bucket in Footer.Dependencies)
        {
            if (!range.Overlaps(bucket.Minute * 60_000_000_000L, bucket.Minute * 60_000_000_000L + 59_999_999_999L)) continue;
            var key = (Strings[bucket.Parent], Strings[bucket.Child]);
            edges.TryGetValue(key, out var counts);
            edges[key] = (counts.Calls + bucket.Calls, counts.Errors + bucket.Errors);
        }
    }
}
