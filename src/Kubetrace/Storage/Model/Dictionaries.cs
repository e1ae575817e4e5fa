namespace Kubetrace.Storage.Model;

/// <summary>The dictionaries a span table's ids point into (one set per head, one per block).</summary>
internal sealed class Dictionaries
{
    public Dictionaries() : this(new StringTable(), new ValueTable(), new EntryTable<ResourceEntry>(), new EntryTable<ScopeEntry>()) { }

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
    public EntryTable<ResourceEntry> Resources { get; }
    public EntryTable<ScopeEntry> Scopes { get; }
}
