namespace Kubetrace.Storage.Model;

/// <summary>The dictionaries a span table's ids point into (one set per head, one per block).</summary>
internal sealed class Dictionaries
{
    public Dictionaries() : this(new StringTable(), new InternedValueTable(), new EntryTable<ResourceEntry>(), new EntryTable<ScopeEntry>()) { }

    public Dictionaries(StringTable strings, ValueTable values, EntryTable<ResourceEntry> resources, EntryTable<ScopeEntry> scopes)
    {
        Strings = strings;
        Values = values;
        Resources = resources;
        Scopes = scopes;
    }

    /// <summary>Span names, attribute keys, status messages.</summary>
    public StringTable Strings { get; }
    public ValueTable Values { get; }

    /// <summary>The values of a head, to intern into (a block's are read-only).</summary>
    public InternedValueTable InternedValues =>
        Values as InternedValueTable ?? throw new InvalidOperationException("a block's values are read-only");
    public EntryTable<ResourceEntry> Resources { get; }
    public EntryTable<ScopeEntry> Scopes { get; }
}
