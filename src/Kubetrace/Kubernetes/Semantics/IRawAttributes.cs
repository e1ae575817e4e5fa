namespace Kubetrace.Kubernetes.Semantics;

/// <summary>
/// Looks up a raw attribute of a span as text: the span's own attribute, else its resource's. Implemented by
/// small structs over each span representation so normalising allocates nothing.
/// </summary>
public interface IRawAttributes
{
    string? Get(string rawKey);
}
