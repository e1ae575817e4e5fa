using System.Collections.Frozen;

namespace Kubetrace.Storage.ClickHouse;

/// <summary>
/// Span attribute keys of the Kubernetes vocabulary that have a column of their own in the spans table (schema
/// version 3, docs/storage.md "Bytes per span"): the values of one key side by side compress far better than
/// twelve keys' values interleaved in <c>attr_values</c>, and a condition on the key reads one column instead of
/// two arrays. Since version 7 the first occurrence of a promoted key leaves the arrays altogether when its column
/// holds its value (<see cref="PromotedValues"/>): its key was ~40% of attr_keys' bytes (docs/benchmarks.md), and
/// its place among the span's attributes and its type are kept in <see cref="Positions"/> so the span reads back as
/// written. Rows written by versions 3 to 6 kept the key in attr_keys with "" in attr_values; they read as before.
/// </summary>
/// <remarks>
/// Chosen from system.columns on the benchmark data and from what the components emit: the apiserver's handler
/// spans (traceFields, staging/src/k8s.io/apiserver/pkg/endpoints/handlers/trace_util.go at v1.34.0, L25: audit-id,
/// client, name, namespace, resource, url, user-agent, verb) and their OpenTelemetry semantic-convention forms
/// (k8s.namespace.name, k8s.pod.name, url.path, user_agent.original, client.address). Low-cardinality keys whose
/// values cost under a byte per span in the arrays (method, protocol, status code) stay there.
/// </remarks>
internal static class PromotedAttributes
{
    public static readonly IReadOnlyList<PromotedAttribute> All =
    [
        new("audit-id", "a_audit_id", PromotedKind.Uuid),
        new("namespace", "a_namespace", PromotedKind.Text),
        new("k8s.namespace.name", "a_k8s_namespace_name", PromotedKind.Text),
        new("name", "a_name", PromotedKind.Text),
        new("k8s.pod.name", "a_k8s_pod_name", PromotedKind.Text),
        new("resource", "a_resource", PromotedKind.Text),
        new("verb", "a_verb", PromotedKind.Text),
        new("url", "a_url", PromotedKind.Text),
        new("url.path", "a_url_path", PromotedKind.Text),
        new("user-agent", "a_user_agent", PromotedKind.Text),
        new("user_agent.original", "a_user_agent_original", PromotedKind.Text),
        new("client", "a_client", PromotedKind.Text),
        new("client.address", "a_client_address", PromotedKind.Text),
    ];

    private static readonly FrozenDictionary<string, int> IndexByKey =
        All.Select((a, i) => KeyValuePair.Create(a.Key, i)).ToFrozenDictionary(StringComparer.Ordinal);

    private static readonly byte[][] Utf8Keys = All.Select(a => System.Text.Encoding.UTF8.GetBytes(a.Key)).ToArray();

    /// <summary>The position of the key's column in <see cref="All"/>, or −1 when the key has none.</summary>
    public static int IndexOf(string key) => IndexByKey.TryGetValue(key, out var index) ? index : -1;

    /// <summary>The same for a key's UTF-8 bytes as they arrived (the encoder's; a few keys, told apart by length first).</summary>
    public static int IndexOf(ReadOnlySpan<byte> key)
    {
        for (var i = 0; i < Utf8Keys.Length; i++)
            if (Utf8Keys[i].Length == key.Length && key.SequenceEqual(Utf8Keys[i])) return i;
        return -1;
    }

    /// <summary>The promoted columns, comma-separated, in <see cref="All"/>'s order, then <see cref="Positions"/> (as
    /// inserted and read).</summary>
    public static string Columns => string.Join(", ", All.Select(a => a.Column).Append(Positions));

    /// <summary>
    /// Where the values in promoted columns were among the span's attributes (schema version 7): per column holding a
    /// value, in <see cref="All"/>'s order, a varint of the attribute's position times 8 plus its
    /// <see cref="AttributeType"/>. "" in rows written before version 7 (their promoted keys are in attr_keys).
    /// </summary>
    public const string Positions = "a_positions";

    /// <summary>The column's definition, added by version 7.</summary>
    public const string PositionsDefinition = $"{Positions} String DEFAULT ''";

    /// <summary>One entry of <see cref="Positions"/>.</summary>
    public static ulong Place(int position, AttributeType type) => (ulong)position << 3 | (byte)type;

    /// <summary>The inverse of <see cref="Place"/>.</summary>
    public static (int Position, AttributeType Type) FromPlace(ulong place) => ((int)(place >> 3), (AttributeType)(place & 7));

    /// <summary>
    /// Whether the span has an attribute of that key, as SQL: in the arrays, or (a promoted key) in its column — a
    /// column holds a value only when the key's first occurrence gave it one (an empty text stays in the arrays).
    /// </summary>
    public static string SpanHasSql(string key)
    {
        var inArrays = $"has(attr_keys, {Sql.String(key)})";
        var index = IndexOf(key);
        if (index < 0) return inArrays;
        return $"({All[index].HoldsValueSql} OR {inArrays})";
    }

    /// <summary>
    /// The text of a span attribute's value (of its first occurrence, as <c>indexOf</c> finds it) as SQL: its column
    /// when promoted and set, else <c>attr_values</c>. Rows written before version 3 have their columns computed from
    /// the arrays (the columns' DEFAULT), so the expression holds for old and new rows alike. A text column alone is
    /// the value: it is empty only when the key is absent or its first value's text is "" (kept in the arrays).
    /// </summary>
    public static string SpanValueSql(string key)
    {
        var inArrays = $"attr_values[indexOf(attr_keys, {Sql.String(key)})]";
        var index = IndexOf(key);
        if (index < 0) return inArrays;
        var promoted = All[index];
        return promoted.Kind == PromotedKind.Text
            ? promoted.Column
            : $"if({promoted.HoldsValueSql}, UUIDNumToString({promoted.Column}), {inArrays})";
    }

    internal const string ZeroUuid = "toFixedString(unhex('00000000000000000000000000000000'), 16)";
}

internal enum PromotedKind
{
    /// <summary>The text of any scalar value (as <see cref="Model.StoredValue.TextOf"/>), in a String column.</summary>
    Text,

    /// <summary>A string value that is a canonical (lowercase, hyphenated) non-zero UUID, as its 16 bytes in a
    /// FixedString(16) column; any other value stays in the arrays (the column holds zeros).</summary>
    Uuid,
}

internal sealed record PromotedAttribute(string Key, string Column, PromotedKind Kind)
{
    /// <summary>The column's type, and its value for rows written before version 3: computed from the arrays on read.</summary>
    public string Definition
    {
        get
        {
            var inArrays = $"attr_values[indexOf(attr_keys, {Sql.String(Key)})]";
            return Kind == PromotedKind.Text
                ? $"{Column} String DEFAULT {inArrays}"
                : $"{Column} FixedString(16) DEFAULT CAST(if(match({inArrays}, '{CanonicalUuidPattern}') AND {inArrays} != " +
                  $"'00000000-0000-0000-0000-000000000000', unhex(replaceAll({inArrays}, '-', '')), ''), 'FixedString(16)')";
        }
    }

    /// <summary>Whether the column holds a value, as SQL (a text column one not empty, a UUID column one not zero).</summary>
    public string HoldsValueSql => $"{Column} != {(Kind == PromotedKind.Text ? "''" : PromotedAttributes.ZeroUuid)}";

    private const string CanonicalUuidPattern = "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$";

    /// <summary>The 16 bytes of <paramref name="text"/> when it is a canonical lowercase non-zero UUID.</summary>
    public static bool TryUuidBytes(string text, Span<byte> bytes) => TryUuidBytes(text.AsSpan(), bytes);

    /// <summary>The same for the text's UTF-8 bytes (a UUID is ASCII).</summary>
    public static bool TryUuidBytes(ReadOnlySpan<byte> text, Span<byte> bytes)
    {
        Span<char> chars = stackalloc char[36];
        if (text.Length != 36) return false;
        for (var i = 0; i < 36; i++) chars[i] = (char)text[i];
        return TryUuidBytes(chars, bytes);
    }

    private static bool TryUuidBytes(ReadOnlySpan<char> text, Span<byte> bytes)
    {
        if (text.Length != 36) return false;
        var nonZero = false;
        var (j, high) = (0, -1);
        for (var i = 0; i < 36; i++)
        {
            if (i is 8 or 13 or 18 or 23)
            {
                if (text[i] != '-') return false;
                continue;
            }
            if (!TryLowerHex(text[i], out var nibble)) return false;
            if (high < 0)
            {
                high = nibble;
                continue;
            }
            bytes[j] = (byte)(high << 4 | nibble);
            nonZero |= bytes[j++] != 0;
            high = -1;
        }
        return nonZero;
    }

    private static bool TryLowerHex(char c, out int value)
    {
        value = c is >= '0' and <= '9' ? c - '0' : c is >= 'a' and <= 'f' ? c - 'a' + 10 : -1;
        return value >= 0;
    }

    /// <summary>The canonical text of a UUID's 16 bytes (the inverse of <see cref="TryUuidBytes"/>).</summary>
    public static string UuidText(ReadOnlySpan<byte> bytes)
    {
        const string hex = "0123456789abcdef";
        Span<char> chars = stackalloc char[36];
        var j = 0;
        for (var i = 0; i < 16; i++)
        {
            if (i is 4 or 6 or 8 or 10) chars[j++] = '-';
            chars[j++] = hex[bytes[i] >> 4];
            chars[j++] = hex[bytes[i] & 0xF];
        }
        return new string(chars);
    }
}
