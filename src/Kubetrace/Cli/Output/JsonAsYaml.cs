using System.Text.Json;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.Serialization;

namespace Kubetrace.Cli.Output;

/// <summary>
/// A JSON document written as YAML that reads back as the same document: objects as mappings in JSON's key order,
/// arrays as sequences, numbers as JSON wrote them (no round trip through a .NET number), and strings quoted
/// whenever a YAML reader could take them for something else (<see cref="ReadsAsOtherThanString"/>).
/// </summary>
public static partial class JsonAsYaml
{
    private static readonly ISerializer Serializer = new SerializerBuilder().WithTypeConverter(new ElementConverter()).Build();

    public static string Write(JsonElement root) => Serializer.Serialize(root, typeof(JsonElement));

    /// <summary>
    /// Whether a plain scalar with this text is read as null, a boolean, a number or a date by the YAML 1.2 core
    /// schema (go-yaml v3: <c>0e1</c>, a span ID of digits ending in e1, is the float 0) or YAML 1.1 (PyYAML, go-yaml
    /// v2: <c>yes</c>, <c>off</c>, <c>1_000</c>, <c>1:30</c>, <c>2026-01-02</c>), or is a 1.1 merge/value key
    /// (<c>&lt;&lt;</c>, <c>=</c>). A superset (any letter case) is fine: such a string is only quoted.
    /// YamlDotNet's own <c>WithQuotingNecessaryStrings</c> wrote <c>00000000000000e1</c> plain.
    /// </summary>
    public static bool ReadsAsOtherThanString(string text) => text.Length == 0 || PlainTyped().IsMatch(text);

    [GeneratedRegex(
        @"^(~|null|y|yes|n|no|true|false|on|off|<<|=" +
        @"|[-+]?(\.[0-9_]+|[0-9][0-9_]*(\.[0-9_]*)?)([eE][-+]?[0-9]+)?" + // decimal ints and floats, 1.2 and 1.1 (with _)
        @"|[-+]?0x[0-9a-f_]+|[-+]?0o[0-7_]+|[-+]?0b[01_]+" +
        @"|[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?" + // 1.1 base 60
        @"|[-+]?\.inf|\.nan" +
        @"|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}([t \t].*)?)$", // 1.1 timestamps
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex PlainTyped();

    /// <summary>Emits a <see cref="JsonElement"/> as YAML events.</summary>
    private sealed class ElementConverter : IYamlTypeConverter
    {
        public bool Accepts(Type type) => type == typeof(JsonElement);

        public object ReadYaml(IParser parser, Type type, ObjectDeserializer rootDeserializer) =>
            throw new NotSupportedException("JSON is written as YAML, never read from it");

        public void WriteYaml(IEmitter emitter, object? value, Type type, ObjectSerializer serializer) => Write(emitter, (JsonElement)value!);

        private static void Write(IEmitter emitter, JsonElement element)
        {
            switch (element.ValueKind)
            {
                case JsonValueKind.Object:
                    emitter.Emit(new MappingStart());
                    foreach (var property in element.EnumerateObject())
                    {
                        String(emitter, property.Name);
                        Write(emitter, property.Value);
                    }
                    emitter.Emit(new MappingEnd());
                    break;
                case JsonValueKind.Array:
                    emitter.Emit(new SequenceStart(AnchorName.Empty, TagName.Empty, isImplicit: true, SequenceStyle.Any));
                    foreach (var item in element.EnumerateArray()) Write(emitter, item);
                    emitter.Emit(new SequenceEnd());
                    break;
                case JsonValueKind.String:
                    String(emitter, element.GetString()!);
                    break;
                default: // numbers as written, true, false, null: plain scalars a YAML reader types as JSON does
                    emitter.Emit(new Scalar(AnchorName.Empty, TagName.Empty, element.GetRawText(), ScalarStyle.Plain, isPlainImplicit: true, isQuotedImplicit: false));
                    break;
            }
        }

        /// <summary>Quoted when a reader would type it otherwise; else as the emitter finds best (plain when it can).</summary>
        private static void String(IEmitter emitter, string text) =>
            emitter.Emit(new Scalar(AnchorName.Empty, TagName.Empty, text,
                ReadsAsOtherThanString(text) ? ScalarStyle.DoubleQuoted : ScalarStyle.Any, isPlainImplicit: true, isQuotedImplicit: true));
    }
}
