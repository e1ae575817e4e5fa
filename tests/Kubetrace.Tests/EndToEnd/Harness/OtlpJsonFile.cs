using System.Text;
using Kubetrace.Otlp.Json;
using Kubetrace.Otlp.Proto.Collector;

namespace Kubetrace.Tests.EndToEnd.Harness;

/// <summary>Parses OTLP JSON (a file exporter line, or conformance data) with the project's OTLP JSON codec.</summary>
internal static class OtlpJsonFile
{
    public static ExportTraceServiceRequest Parse(string json) => OtlpJson.ParseRequest(Encoding.UTF8.GetBytes(json));
}
