using System.Runtime.CompilerServices;
using Kubetrace.Otlp.Validation;

namespace Kubetrace.Otlp.Wire;

/// <summary>
/// Walks the protobuf encoding of an ExportTraceServiceRequest without building objects: counts spans, checks
/// each against <see cref="SpanRules"/>, notices legacy field 1000, and verifies everything the generated parser
/// verifies (well-formed nested messages, UTF-8 strings), so that bytes it passes can later be parsed by any
/// stage without error: a parse failure after acknowledging would lose data silently.
/// </summary>
/// <remarks>
/// No allocation: IDs are checked as slices of the input. Fields are matched by number and wire type, exactly as
/// the generated parser does (a known number with another wire type is an unknown field there, skipped here).
/// Nesting is limited below protobuf's own recursion limit (100), so nothing accepted here fails there.
/// </remarks>
public static class TraceRequestScanner
{
    private const int MaxDepth = 64;

    /// <exception cref="ProtobufFormatException">The bytes are truncated or not a protobuf message.</exception>
    public static ScanResult Scan(ReadOnlySpan<byte> request, SpanLimits? limits = null)
    {
        var result = new ScanResult { Limits = limits ?? SpanLimits.Default };
        var reader = new ProtoWireReader(request);
        while (!reader.AtEnd)
        {
            var (field, type) = reader.ReadTag();
            if (field == 1 && type == WireType.LengthDelimited) ScanResourceSpans(Nested(ref reader), ref result, 1);
            else reader.Skip(field, type, 0);
        }
        return result;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void CheckDepth(int depth, int offset)
    {
        if (depth > MaxDepth) ThrowTooDeep(offset);
    }

    private static void ThrowTooDeep(int offset) =>
        throw ProtoWireReader.Error(offset, $"messages nested more than {MaxDepth} deep");

    private static ProtoWireReader Nested(ref ProtoWireReader reader) => reader.ReadNested();

    private static void ScanResourceSpans(ProtoWireReader reader, ref ScanResult result, int depth)
    {
        while (!reader.AtEnd)
        {
            var (field, type) = reader.ReadTag();
            if (type != WireType.LengthDelimited) { reader.Skip(field, type, depth); continue; }
            switch (field)
            {
                case 1: ScanMessage(Nested(ref reader), ref result, depth + 1, keyValueField: 1, stringFields: 0); break; // Resource
                case 2: ScanScopeSpans(Nested(ref reader), ref result, depth + 1); break;
                case 3: ReadString(ref reader); break; // schema_url
                case 1000:
                    result.HasLegacyScopeSpans = true;
                    ScanScopeSpans(Nested(ref reader), ref result, depth + 1);
                    break;
                default: reader.Skip(field, type, depth); break;
            }
        }
    }

    private static void ScanScopeSpans(ProtoWireReader reader, ref ScanResult result, int depth)
    {
        while (!reader.AtEnd)
        {
            var (field, type) = reader.ReadTag();
            if (type != WireType.LengthDelimited) { reader.Skip(field, type, depth); continue; }
            switch (field)
            {
                case 1: ScanMessage(Nested(ref reader), ref result, depth + 1, keyValueField: 3, stringFields: Bits(1, 2)); break; // InstrumentationScope
                case 3: ReadString(ref reader); break; // schema_url
                case 2:
                    result.SpanCount++;
                    if (!ScanSpan(Nested(ref reader), ref result, depth + 1)) result.InvalidSpanCount++;
                    break;
                default: reader.Skip(field, type, depth); break;
            }
        }
    }

    /// <summary>Returns whether the span meets <see cref="SpanRules"/>; throws if it is malformed.</summary>
    private static bool ScanSpan(ProtoWireReader reader, ref ScanResult result, int depth)
    {
        CheckDepth(depth, reader.Offset);
        var limits = result.Limits!;
        if (reader.Remaining.Length > limits.MaxSpanBytes) result.ExceedsLimits = true;
        int attributes = 0, events = 0, links = 0;
        ReadOnlySpan<byte> traceId = default, spanId = default, parentSpanId = default;
        ulong start = 0, end = 0;
        while (!reader.AtEnd)
        {
            var (field, type) = reader.ReadTag();
            switch (field, type)
            {
                case (1, WireType.LengthDelimited): traceId = reader.ReadLengthDelimited(); break;
                case (2, WireType.LengthDelimited): spanId = reader.ReadLengthDelimited(); break;
                case (4, WireType.LengthDelimited): parentSpanId = reader.ReadLengthDelimited(); break;
                case (7, WireType.Fixed64): start = reader.ReadFixed64(); break;
                case (8, WireType.Fixed64): end = reader.ReadFixed64(); break;
                case (3, WireType.LengthDelimited): ReadString(ref reader); break; // trace_state
                case (5, WireType.LengthDelimited): ReadString(ref reader); break; // name
                case (9, WireType.LengthDelimited): attributes++; ScanKeyValue(Nested(ref reader), ref result, depth + 1); break;
                case (11, WireType.LengthDelimited): events++; ScanMessage(Nested(ref reader), ref result, depth + 1, keyValueField: 3, stringFields: Bits(2)); break; // Event
                case (13, WireType.LengthDelimited): links++; ScanMessage(Nested(ref reader), ref result, depth + 1, keyValueField: 4, stringFields: Bits(3)); break; // Link
                case (15, WireType.LengthDelimited): ScanMessage(Nested(ref reader), ref result, depth + 1, keyValueField: 0, stringFields: Bits(2)); break; // Status
                default: reader.Skip(field, type, depth); break;
            }
        }
        if (attributes > limits.MaxAttributesPerSpan || events > limits.MaxEventsPerSpan || links > limits.MaxLinksPerSpan)
            result.ExceedsLimits = true;
        return SpanRules.Check(traceId, spanId, parentSpanId, start, end) == SpanProblem.None;
    }

    /// <summary>
    /// A message whose only nested messages are KeyValues in field <paramref name="keyValueField"/> (0: none) and whose
    /// string fields are the bits set in <paramref name="stringFields"/>.
    /// </summary>
    private static void ScanMessage(ProtoWireReader reader, ref ScanResult result, int depth, int keyValueField, uint stringFields)
    {
        CheckDepth(depth, reader.Offset);
        var attributes = 0;
        while (!reader.AtEnd)
        {
            var (field, type) = reader.ReadTag();
            if (type != WireType.LengthDelimited) reader.Skip(field, type, depth);
            else if (field == keyValueField)
            {
                if (++attributes > result.Limits!.MaxAttributesPerSpan) result.ExceedsLimits = true;
                ScanKeyValue(Nested(ref reader), ref result, depth + 1);
            }
            else if (field < 32 && (stringFields & (1u << field)) != 0) ReadString(ref reader);
            else reader.Skip(field, type, depth);
        }
    }

    private static void ScanKeyValue(ProtoWireReader reader, ref ScanResult result, int depth)
    {
        CheckDepth(depth, reader.Offset);
        if (depth < MaxDepth && IsShortStringAttribute(reader.Remaining)) return;
        while (!reader.AtEnd)
        {
            var (field, type) = reader.ReadTag();
            if (type != WireType.LengthDelimited) reader.Skip(field, type, depth);
            else if (field == 1) ReadString(ref reader); // key
            else if (field == 2) ScanAnyValue(Nested(ref reader), ref result, depth + 1);
            else reader.Skip(field, type, depth);
        }
    }

    /// <summary>
    /// The most common KeyValue, a short string key with a short string value, recognised and checked in one go:
    /// <c>0A kl key 12 al [0A sl value]</c>, every length one byte, nothing else in the message. It accepts only
    /// what the general loop accepts (the caller checks that the AnyValue is within the depth limit); anything else,
    /// invalid UTF-8 included, is left to the general loop, which also words the error.
    /// </summary>
    private static bool IsShortStringAttribute(ReadOnlySpan<byte> keyValue)
    {
        if (keyValue.Length < 6 || keyValue[0] != 0x0A) return false;
        int keyLength = keyValue[1];
        var valueTag = 2 + keyLength;
        if (keyLength >= 0x80 || keyValue.Length < valueTag + 4 || keyValue[valueTag] != 0x12) return false;
        int anyValueLength = keyValue[valueTag + 1];
        if (anyValueLength >= 0x80 || valueTag + 2 + anyValueLength != keyValue.Length) return false;
        if (keyValue[valueTag + 2] != 0x0A || keyValue[valueTag + 3] + 2 != anyValueLength) return false;
        return Utf8Check.IsValid(keyValue.Slice(2, keyLength))
            && Utf8Check.IsValid(keyValue.Slice(valueTag + 4, anyValueLength - 2));
    }

    private static void ScanAnyValue(ProtoWireReader reader, ref ScanResult result, int depth)
    {
        CheckDepth(depth, reader.Offset);
        while (!reader.AtEnd)
        {
            var (field, type) = reader.ReadTag();
            if (type != WireType.LengthDelimited) { reader.Skip(field, type, depth); continue; }
            switch (field)
            {
                case 1: // string_value
                    if (ReadString(ref reader) > result.Limits!.MaxAttributeValueBytes) result.ExceedsLimits = result.HasLongValues = true;
                    break;
                case 7: // bytes_value
                    if (reader.ReadLengthDelimited().Length > result.Limits!.MaxAttributeValueBytes) result.ExceedsLimits = result.HasLongValues = true;
                    break;
                case 5: ScanValueList(Nested(ref reader), ref result, depth + 1, elementsAreKeyValues: false); break; // ArrayValue
                case 6: ScanValueList(Nested(ref reader), ref result, depth + 1, elementsAreKeyValues: true); break; // KeyValueList
                default: reader.Skip(field, type, depth); break;
            }
        }
    }

    private static void ScanValueList(ProtoWireReader reader, ref ScanResult result, int depth, bool elementsAreKeyValues)
    {
        CheckDepth(depth, reader.Offset);
        while (!reader.AtEnd)
        {
            var (field, type) = reader.ReadTag();
            if (field != 1 || type != WireType.LengthDelimited) { reader.Skip(field, type, depth); continue; }
            if (elementsAreKeyValues) ScanKeyValue(Nested(ref reader), ref result, depth + 1);
            else ScanAnyValue(Nested(ref reader), ref result, depth + 1);
        }
    }

    private static uint Bits(int field) => 1u << field;

    private static uint Bits(int field1, int field2) => (1u << field1) | (1u << field2);

    /// <summary>proto3 strings must be UTF-8; the generated parser refuses the whole message otherwise.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int ReadString(ref ProtoWireReader reader)
    {
        var text = reader.ReadLengthDelimited();
        if (!Utf8Check.IsValid(text)) ThrowNotUtf8(reader.Offset - text.Length);
        return text.Length;
    }

    private static void ThrowNotUtf8(int offset) => throw ProtoWireReader.Error(offset, "string is not valid UTF-8");
}
