using System.Text.Json;
using System.Text.Json.Serialization;

namespace Kubetrace.Analysis;

/// <summary>How analysis results are written: camelCase properties, enums as strings, no nulls.</summary>
public static class AnalysisJson
{
    /// <summary>The column every table ends with: how many sampled traces each row rests on.</summary>
    public const string TracesColumn = "Traces";

    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    /// <summary>
    /// The table as the API sends it: <c>{"title","columns","rows","notes","samples","searches","examples","sampling"}</c>. When
    /// the table says what its rows rest on (<see cref="AnalysisTable.Samples"/>), each row ends with its sampled
    /// traces (<see cref="TracesColumn"/>) and the answer's sampling notes come first; <c>searches</c> only when the
    /// analysis gives its rows' (<see cref="AnalysisTable.Searches"/>), <c>examples</c> likewise (<see cref="AnalysisTable.Examples"/>).
    /// </summary>
    public static void Write(Utf8JsonWriter writer, AnalysisTable table)
    {
        var sampled = table.Samples.Count == table.Rows.Count && (table.Rows.Count > 0 || table.Sampling is not null);
        writer.WriteStartObject();
        writer.WriteString("title", table.Title);
        writer.WriteStartArray("columns");
        foreach (var column in table.Columns) writer.WriteStringValue(column);
        if (sampled) writer.WriteStringValue(TracesColumn);
        writer.WriteEndArray();
        writer.WriteStartArray("rows");
        for (var r = 0; r < table.Rows.Count; r++)
        {
            writer.WriteStartArray();
            foreach (var cell in table.Rows[r]) writer.WriteStringValue(cell);
            if (sampled) writer.WriteStringValue(AnalysisText.Count(table.Samples[r].Traces));
            writer.WriteEndArray();
        }
        writer.WriteEndArray();
        writer.WriteStartArray("notes");
        foreach (var note in table.Sampling?.Notes ?? []) writer.WriteStringValue(note);
        foreach (var note in table.Notes) writer.WriteStringValue(note);
        writer.WriteEndArray();
        if (table.DropFirst.Count > 0)
        {
            writer.WriteStartArray("dropFirst");
            foreach (var column in table.DropFirst) writer.WriteStringValue(column);
            writer.WriteEndArray();
        }
        if (sampled)
        {
            writer.WritePropertyName("samples");
            JsonSerializer.Serialize(writer, table.Samples, Options);
        }
        if (table.Searches.Count == table.Rows.Count && table.Rows.Count > 0)
        {
            writer.WritePropertyName("searches");
            JsonSerializer.Serialize(writer, table.Searches, Options);
        }
        if (table.Examples.Count == table.Rows.Count && table.Rows.Count > 0)
        {
            writer.WritePropertyName("examples");
            JsonSerializer.Serialize(writer, table.Examples, Options);
        }
        if (table.Objects.Count == table.Rows.Count && table.Rows.Count > 0)
        {
            writer.WritePropertyName("objects");
            JsonSerializer.Serialize(writer, table.Objects, Options);
        }
        if (table.Sampling is { } sampling)
        {
            writer.WritePropertyName("sampling");
            JsonSerializer.Serialize(writer, sampling, Options);
        }
        writer.WriteEndObject();
    }
}
