using System.Text;
using System.Text.Json;

namespace Kubetrace.Cli.Output;

/// <summary>
/// Writes the data a table is drawn from, as <c>-o json</c> or <c>-o yaml</c> asks: the JSON as it is (the API's
/// answer byte for byte, <c>--json</c>'s output), or the same document in YAML (<see cref="JsonAsYaml"/>).
/// </summary>
public static class DataOutput
{
    /// <summary>Writes <paramref name="utf8Json"/> in <paramref name="format"/> (JSON or YAML), ending in one newline.</summary>
    /// <exception cref="JsonException">YAML was asked for and the bytes are not JSON.</exception>
    public static async Task WriteAsync(TextWriter output, OutputFormat format, byte[] utf8Json)
    {
        if (format == OutputFormat.Yaml)
        {
            using var document = JsonDocument.Parse(utf8Json);
            await output.WriteAsync(JsonAsYaml.Write(document.RootElement));
            return;
        }
        await output.WriteAsync(Encoding.UTF8.GetString(utf8Json).TrimEnd());
        await output.WriteLineAsync();
    }

    public static Task WriteAsync(TextWriter output, OutputFormat format, string json) =>
        WriteAsync(output, format, Encoding.UTF8.GetBytes(json));
}
