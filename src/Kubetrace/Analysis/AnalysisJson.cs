using System.Text.Json;
using System.Text.Json.Serialization;

namespace Kubetrace.Analysis;

/// <summary>How analysis results are written: camelCase properties, enums as strings, no nulls.</summary>
public static class AnalysisJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    public static void Write(Utf8JsonWriter writer, AnalysisTable table)
    {
        writer.WriteStartObject();
        writer.WriteString("title", table.Title);
        writer.WriteStartArray("columns");
        foreach (var column in table.Columns) writer.WriteStringValue(column);
        writer.WriteEndArray();
        writer.WriteStartArray("rows");
        foreach (var row in table.Rows)
        {
            writer.WriteStartArray();
            foreach (var cell in row) writer.WriteStringValue(cell);
            writer.WriteEndArray();
        }
        writer.WriteEndArray();
        writer.WriteStartArray("notes");
        foreach (var note in table.Notes) writer.WriteStringValue(note);
        writer.WriteEndArray();
        if (table.DropFirst.Count > 0)
        {
            writer.WriteStartArray("dropFirst");
            foreach (var column in table.DropFirst) writer.WriteStringValue(column);
            writer.WriteEndArray();
        }
        writer.WriteEndObject();
    }
}
