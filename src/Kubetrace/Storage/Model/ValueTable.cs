using Kubetrace.Otlp.Proto.Common;
using Kubetrace.Storage.Encoding;

namespace Kubetrace.Storage.Model;

/// <summary>
/// The dictionary of attribute values of a head (<see cref="InternedValueTable"/>: interns as spans arrive) or of an
/// open block (<see cref="EncodedValueTable"/>: read-only, kept encoded so that an open block costs a few bytes per
/// value instead of a handful of objects).
/// </summary>
internal abstract class ValueTable
{
    public abstract int Count { get; }

    /// <summary>The text of a value (what conditions compare against): a string as it is, anything else formatted
    /// (<see cref="StoredValue.TextOf"/>).</summary>
    public abstract string Text(int id);

    /// <summary>The value as it was written.</summary>
    public abstract AnyValue ToAnyValue(int id);

    /// <summary>The id of a value whose text equals <paramref name="text"/> (a string and, say, an int may share it).</summary>
    public abstract bool TryFindText(string text, out int id);

    /// <summary>Writes the values as a block footer stores them: per value a tag (0 string, 1 AnyValue encoding) and
    /// the length-prefixed bytes (<see cref="EncodedValueTable.Read"/> reads them back).</summary>
    public abstract void Write(ByteWriter w);

    /// <summary>The footer's tag of a string value.</summary>
    protected const byte StringTag = 0;

    /// <summary>The footer's tag of any other value (its AnyValue encoding follows).</summary>
    protected const byte EncodedTag = 1;
}
