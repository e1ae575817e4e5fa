namespace Kubetrace.Storage.Blocks;

/// <summary>
/// The columns of a row group, in file order. Rows are sorted by (trace ID, start); trace IDs and trace starts
/// live in the trace table, so rows store only what differs per span. After the fixed columns come two columns
/// per attribute key present in the group: value codes (0 = next UUID, n = value id n-1) and the UUIDs.
/// </summary>
internal static class RowGroupColumns
{
    public const int SpanIds = 0;          // fixed64
    public const int ParentCodes = 1;      // 0 root, 1 parent outside this trace's rows (see ExternalParents), k+2 row k of the trace
    public const int ExternalParents = 2;  // fixed64
    public const int StartDeltas = 3;      // start − trace start
    public const int Durations = 4;
    public const int Names = 5;
    public const int KindStatus = 6;       // byte
    public const int StatusMessages = 7;
    public const int Resources = 8;
    public const int Scopes = 9;
    public const int Flags = 10;
    public const int Shapes = 11;          // id of the row's attribute key sequence
    public const int Extras = 12;          // 0, or length + protobuf partial span
    public const int FixedCount = 13;

    public static int ValueCodes(int keyIndex) => FixedCount + 2 * keyIndex;
    public static int Uuids(int keyIndex) => FixedCount + 2 * keyIndex + 1;
}
