namespace Kubetrace.Storage.Model;

/// <summary>
/// An append-only array that readers may scan while one writer appends: a reader takes <see cref="Count"/> first
/// and then reads <see cref="Items"/>; growth copies before publishing the new array, so every index below a
/// count the reader saw is valid in whichever array it gets.
/// </summary>
internal sealed class GrowList<T>
{
    private T[] _items;
    private int _count;

    public GrowList(int capacity = 16) => _items = new T[Math.Max(4, capacity)];

    public int Count => Volatile.Read(ref _count);

    public T[] Items => Volatile.Read(ref _items);

    public ref T this[int index] => ref _items[index];

    public void Add(T value)
    {
        var count = _count;
        if (count == _items.Length)
        {
            var grown = new T[_items.Length * 2];
            Array.Copy(_items, grown, count);
            Volatile.Write(ref _items, grown);
        }
        _items[count] = value;
        Volatile.Write(ref _count, count + 1);
    }

    /// <summary>The live elements as a span (only for the writer or for frozen tables).</summary>
    public Span<T> AsSpan() => _items.AsSpan(0, _count);

    /// <summary>The live elements in an array of their own length (the items themselves when they fill it).</summary>
    public T[] ToArray() => _count == _items.Length ? _items : _items.AsSpan(0, _count).ToArray();

    public static GrowList<T> Wrap(T[] items)
    {
        var list = new GrowList<T>(0) { _items = items, _count = items.Length };
        return list;
    }
}
