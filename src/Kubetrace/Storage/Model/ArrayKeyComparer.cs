using System.Runtime.InteropServices;

namespace Kubetrace.Storage.Model;

/// <summary>
/// Compares arrays used as dictionary keys by content, and lets a dictionary be searched with a span of the same
/// elements (<c>GetAlternateLookup&lt;ReadOnlySpan&lt;T&gt;&gt;</c>) so that a lookup allocates nothing.
/// </summary>
internal sealed class ArrayKeyComparer<T> : IEqualityComparer<T[]>, IAlternateEqualityComparer<ReadOnlySpan<T>, T[]>
    where T : unmanaged, IEquatable<T>
{
    public static readonly ArrayKeyComparer<T> Instance = new();

    public bool Equals(T[]? x, T[]? y) => x.AsSpan().SequenceEqual(y);
    public int GetHashCode(T[] obj) => Hash(obj);
    public bool Equals(ReadOnlySpan<T> alternate, T[] other) => alternate.SequenceEqual(other);
    public int GetHashCode(ReadOnlySpan<T> alternate) => Hash(alternate);
    public T[] Create(ReadOnlySpan<T> alternate) => alternate.ToArray();

    private static int Hash(ReadOnlySpan<T> items)
    {
        var hash = new HashCode();
        hash.AddBytes(MemoryMarshal.AsBytes(items));
        return hash.ToHashCode();
    }
}
