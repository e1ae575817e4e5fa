using System.Globalization;
using Kubetrace.Storage.Encoding;

namespace Kubetrace.Storage.Scan.Columnar;

/// <summary>
/// Reads the values of a request's event value keys (<see cref="EventValueKey"/>) out of a stored partial span
/// without parsing it into objects: field 11 is an Event (2: name, 3: KeyValue attributes), a KeyValue's value an
/// AnyValue (3: int, 4: double). Names and keys are compared as UTF-8 bytes.
/// </summary>
internal sealed class EventValueReader
{
    private const int EventsField = 11;

    private readonly (int Slot, byte[] Name, byte[] Key)[] _wanted;
    private readonly double[] _sums;
    private readonly bool[] _found;

    private EventValueReader((int, byte[], byte[])[] wanted)
    {
        _wanted = wanted;
        _sums = new double[wanted.Length];
        _found = new bool[wanted.Length];
    }

    /// <summary>A reader for the event value keys among <paramref name="keys"/>, or null when there are none.</summary>
    public static EventValueReader? For(IReadOnlyList<string> keys)
    {
        var wanted = new List<(int, byte[], byte[])>();
        for (var i = 0; i < keys.Count; i++)
            if (EventValueKey.TryParse(keys[i], out var name, out var key))
                wanted.Add((i, System.Text.Encoding.UTF8.GetBytes(name), System.Text.Encoding.UTF8.GetBytes(key)));
        return wanted.Count == 0 ? null : new EventValueReader([.. wanted]);
    }

    /// <summary>Writes each wanted value into <paramref name="values"/> (null where the span has no such event).</summary>
    public void Read(ReadOnlySpan<byte> partialSpan, string?[] values)
    {
        Array.Clear(_sums);
        Array.Clear(_found);
        var reader = new ProtoReader(partialSpan);
        while (reader.TryReadTag(out var field, out var wire))
        {
            if (field != EventsField || wire != 2)
            {
                reader.Skip(wire);
                continue;
            }
            ReadEvent(reader.ReadBytes());
        }
        for (var i = 0; i < _wanted.Length; i++)
            values[_wanted[i].Slot] = _found[i] ? _sums[i].ToString(CultureInfo.InvariantCulture) : null;
    }

    private void ReadEvent(ReadOnlySpan<byte> bytes)
    {
        // The name may follow the attributes in the encoding: find it first.
        var e = new ProtoReader(bytes);
        ReadOnlySpan<byte> name = default;
        while (e.TryReadTag(out var field, out var wire))
        {
            if (field == 2 && wire == 2) name = e.ReadBytes();
            else e.Skip(wire);
        }
        for (var i = 0; i < _wanted.Length; i++)
        {
            if (!name.SequenceEqual(_wanted[i].Name)) continue;
            if (_wanted[i].Key.Length == 0)
            {
                _found[i] = true;
                _sums[i]++;
                continue;
            }
            if (NumberOf(bytes, _wanted[i].Key) is { } value)
            {
                _found[i] = true;
                _sums[i] += value;
            }
        }
    }

    private static double? NumberOf(ReadOnlySpan<byte> eventBytes, ReadOnlySpan<byte> key)
    {
        var e = new ProtoReader(eventBytes);
        while (e.TryReadTag(out var field, out var wire))
        {
            if (field != 3 || wire != 2)
            {
                e.Skip(wire);
                continue;
            }
            var kv = new ProtoReader(e.ReadBytes());
            var matches = false;
            double? value = null;
            while (kv.TryReadTag(out var kvField, out var kvWire))
            {
                if (kvField == 1 && kvWire == 2) matches = kv.ReadBytes().SequenceEqual(key);
                else if (kvField == 2 && kvWire == 2) value = Number(kv.ReadBytes());
                else kv.Skip(kvWire);
            }
            if (matches) return value;
        }
        return null;
    }

    private static double? Number(ReadOnlySpan<byte> anyValue)
    {
        var v = new ProtoReader(anyValue);
        while (v.TryReadTag(out var field, out var wire))
        {
            if (field == 3 && wire == 0) return (long)v.ReadVarint();
            if (field == 4 && wire == 1) return BitConverter.UInt64BitsToDouble(v.ReadFixed64());
            v.Skip(wire);
        }
        return null;
    }
}
