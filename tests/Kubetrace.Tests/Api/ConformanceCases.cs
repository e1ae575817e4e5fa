using System.Text.Json.Nodes;
using Kubetrace.Tests.EndToEnd.Harness;

namespace Kubetrace.Tests.Api;

/// <summary>Reads the shared conformance case files (../shared/conformance, or /work/shared).</summary>
internal static class ConformanceCases
{
    public static JsonNode Load(string relative) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(RepoPaths.Shared!, "conformance", relative)))!;
}
