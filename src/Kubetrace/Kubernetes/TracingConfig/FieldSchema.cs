namespace Kubetrace.Kubernetes.TracingConfig;

/// <summary>
/// The field names of one configuration struct, with the schema of those that are structs themselves, so that an
/// unknown or misspelt key is reported wherever it is. Maps and lists (<c>featureGates</c>, <c>evictionHard</c>)
/// have no schema: their keys are data.
/// </summary>
public sealed class FieldSchema(IReadOnlyDictionary<string, FieldSchema?> fields)
{
    /// <summary>A struct whose fields are all scalars, maps or lists.</summary>
    public static FieldSchema Of(params string[] names) => new(names.ToDictionary(n => n, _ => (FieldSchema?)null, StringComparer.Ordinal));

    public FieldSchema With(string name, FieldSchema nested)
    {
        var fields1 = new Dictionary<string, FieldSchema?>(Fields, StringComparer.Ordinal) { [name] = nested };
        return new FieldSchema(fields1);
    }

    public IReadOnlyDictionary<string, FieldSchema?> Fields { get; } = fields;

    public IEnumerable<string> Names => Fields.Keys;
}
