namespace Kubetrace.Query.TraceQl;

/// <summary>
/// Spans of one trace that a pipeline stage produced together, with what stages computed about them
/// (<c>by(...)</c> values, aggregate results) as named attributes, as Tempo returns them.
/// </summary>
public sealed class Spanset(List<SpanRecord> spans)
{
    public List<SpanRecord> Spans { get; } = spans;

    /// <summary>The value of the last aggregate (what a scalar filter compares).</summary>
    public Static Scalar { get; set; } = Static.Nil;

    public List<KeyValuePair<string, Static>> Attributes { get; init; } = [];

    public Spanset With(List<SpanRecord> spans) => new(spans) { Scalar = Scalar, Attributes = [.. Attributes] };

    /// <summary>Adds or replaces a named result (Tempo's AddAttribute).</summary>
    public void SetAttribute(string name, Static value)
    {
        var index = Attributes.FindIndex(a => a.Key == name);
        if (index >= 0) Attributes[index] = new(name, value);
        else Attributes.Add(new(name, value));
    }
}
