using Google.Protobuf;
using Kubetrace.Otlp.Wire;

namespace Kubetrace.Storage.ClickHouse;

/// <summary>
/// A row's resource envelope as read back, split into the resource and the scope: since schema version 8 the envelope
/// (a ResourceSpans without spans) holds the scope of the row's spans as its one ScopeSpans (field 2, written by
/// <see cref="ResourceColumns.WithScope"/>), and the row's own scope column is empty. An envelope without a field 2 was
/// written before (version 7 or older): its row's scope column holds the scope.
/// </summary>
internal static class StoredEnvelope
{
    /// <summary>The resource envelope without its ScopeSpans, and that ScopeSpans' bytes — null for an envelope of an
    /// older version, whose scope is the row's. Cached per distinct envelope in <paramref name="known"/>.</summary>
    public static (byte[] Resource, byte[]? Scope) Split(byte[] envelope, Dictionary<ByteString, (byte[], byte[]?)> known)
    {
        var key = UnsafeByteOperations.UnsafeWrap(envelope);
        if (known.TryGetValue(key, out var split)) return split;
        var resource = new RowBinaryWriter(envelope.Length);
        byte[]? scope = null;
        var reader = new ProtoWireReader(envelope);
        while (!reader.AtEnd)
        {
            var start = reader.Offset;
            var (field, type) = reader.ReadTag();
            if (field == 2 && type == WireType.LengthDelimited) scope = reader.ReadLengthDelimited().ToArray();
            else
            {
                reader.Skip(field, type, 0);
                resource.Raw(envelope.AsSpan(start, reader.Offset - start));
            }
        }
        return known[key] = scope is null ? (envelope, null) : (resource.Written.ToArray(), scope);
    }
}
