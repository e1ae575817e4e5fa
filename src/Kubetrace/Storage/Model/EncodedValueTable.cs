using Kubetrace.Otlp.Proto.Common;
using Kubetrace.Storage.Encoding;

namespace Kubetrace.Storage.Model;

/// <summary>
/// The values of an open block, kept as the footer stores them: one byte array (per value a tag, a length and the
/// bytes) and the offset of each value in it, about 4 bytes per value beside the bytes themselves. Texts are decoded
/// when first asked for and kept in a cache, as is the map from text to id that equality searches use; both go with
/// the footer when memory pressure empties the <see cref="Blocks.FooterCache"/>, which counts them in the footer's
/// bytes as they are decoded (<see cref="DecodedBytes"/>).
/// </summary>
/// <remarks>
/// Holding each value as objects (a <see cref="StoredValue"/>, its parsed AnyValue, a ByteString, a boxed Int64:
/// ~190 B per distinct non-string value) made every open block cost about 2 MB of managed memory for the soak's
/// 4,000-span blocks whatever was queried: the floor of a process under pressure rose with every block written.
/// </remarks>
internal sealed class EncodedValueTable : ValueTable
{
    private readonly byte[] _entries;
    private readonly int[] _starts;
    private string?[]? _texts;
    private Dictionary<string, int>? _byText;
    private long _decodedBytes;
    private readonly Lock _gate = new();

    private EncodedValueTable(byte[] entries, int[] starts)
    {
        _entries = entries;
        _starts = starts;
    }

    /// <summary>Reads what <see cref="ValueTable.Write"/> wrote.</summary>
    public static EncodedValueTable Read(ByteReader r)
    {
        var starts = new int[r.ReadInt() + 1];
        var first = r.Position;
        for (var i = 0; i < starts.Length - 1; i++)
        {
            starts[i] = r.Position - first;
            if (r.ReadByte() > EncodedTag) throw new InvalidDataException("bad value tag");
            r.Skip(r.ReadInt());
        }
        starts[^1] = r.Position - first;
        return new EncodedValueTable(r.Buffer.AsSpan(first, starts[^1]).ToArray(), starts);
    }

    public override int Count => _starts.Length - 1;

    /// <summary>Bytes held whatever is queried (the entries and their offsets).</summary>
    public long ResidentBytes => _entries.Length + 4L * _starts.Length;

    /// <summary>Managed bytes of what was decoded since the table was read: the texts (and their array), the map
    /// from text to id. Grows as queries ask; the <see cref="Blocks.FooterCache"/> counts it.</summary>
    public long DecodedBytes => Volatile.Read(ref _decodedBytes);

    public override string Text(int id)
    {
        var texts = Volatile.Read(ref _texts);
        if (texts is null)
        {
            var fresh = new string?[Count];
            texts = Interlocked.CompareExchange(ref _texts, fresh, null) ?? fresh;
            if (texts == fresh) Interlocked.Add(ref _decodedBytes, 24 + 8L * fresh.Length);
        }
        if (Volatile.Read(ref texts[id]) is { } text) return text;
        var decoded = Decode(id);
        if (Interlocked.CompareExchange(ref texts[id], decoded, null) is { } raced) return raced;
        Interlocked.Add(ref _decodedBytes, 22 + 2L * decoded.Length); // a string's header, characters and terminator
        return decoded;
    }

    public override AnyValue ToAnyValue(int id)
    {
        var tag = Entry(id, out var bytes);
        return tag == StringTag ? new AnyValue { StringValue = Text(id) } : AnyValue.Parser.ParseFrom(bytes);
    }

    public override bool TryFindText(string text, out int id)
    {
        Dictionary<string, int> map;
        lock (_gate) map = _byText ??= BuildTextMap();
        return map.TryGetValue(text, out id);
    }

    public override void Write(ByteWriter w)
    {
        w.WriteVarint(Count);
        w.WriteRaw(_entries);
    }

    private string Decode(int id)
    {
        var tag = Entry(id, out var bytes);
        return tag == StringTag ? System.Text.Encoding.UTF8.GetString(bytes) : StoredValue.TextOf(AnyValue.Parser.ParseFrom(bytes));
    }

    /// <summary>The tag of a value, and its bytes.</summary>
    private byte Entry(int id, out ReadOnlySpan<byte> bytes)
    {
        var start = _starts[id];
        bytes = new ByteReader(_entries, start + 1, _starts[id + 1] - start - 1).ReadBytes();
        return _entries[start];
    }

    private Dictionary<string, int> BuildTextMap()
    {
        var map = new Dictionary<string, int>(Count, StringComparer.Ordinal);
        for (var i = 0; i < Count; i++) map.TryAdd(Text(i), i);
        Interlocked.Add(ref _decodedBytes, 80 + 28L * map.Count); // per entry its slot (hash, next, key, value) and bucket
        return map;
    }
}
