using Kubetrace.Otlp.Proto.Collector;
using Kubetrace.Otlp.Proto.Common;
using Kubetrace.Otlp.Proto.Resource;
using Kubetrace.Otlp.Proto.Trace;

namespace Kubetrace.Tests.EndToEnd.Harness;

/// <summary>One span read back from the file exporter, with the resource and scope it was written under.</summary>
internal sealed record ExportedSpan(Resource Resource, InstrumentationScope Scope, Span Span)
{
    public string SpanIdHex => OtlpValues.Hex(Span.SpanId);
}

/// <summary>
/// What a <c>file</c> exporter wrote: one OTLP JSON ExportTraceServiceRequest per line, read back with the
/// project's OTLP JSON codec.
/// </summary>
internal sealed class FileExporterOutput
{
    private FileExporterOutput(IReadOnlyList<ExportTraceServiceRequest> requests) => Requests = requests;

    public IReadOnlyList<ExportTraceServiceRequest> Requests { get; }

    /// <summary>Every span in file order, flattened out of its resource and scope.</summary>
    public IReadOnlyList<ExportedSpan> Spans => Requests.SelectMany(Flatten).ToList();

    /// <summary>The spans of one request, each with its resource and scope.</summary>
    public static IEnumerable<ExportedSpan> Flatten(ExportTraceServiceRequest request) => request.ResourceSpans
        .SelectMany(rs => rs.ScopeSpans.SelectMany(ss => ss.Spans.Select(s => new ExportedSpan(rs.Resource, ss.Scope, s))));

    /// <summary>All lines as one request (the resource spans of every line, in order).</summary>
    public ExportTraceServiceRequest Merged
    {
        get
        {
            var merged = new ExportTraceServiceRequest();
            foreach (var request in Requests) merged.ResourceSpans.Add(request.ResourceSpans);
            return merged;
        }
    }

    public static FileExporterOutput Read(string path)
    {
        if (!File.Exists(path)) return new FileExporterOutput([]);
        var requests = new List<ExportTraceServiceRequest>();
        var lineNumber = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNumber++;
            if (line.Length == 0) continue;
            try
            {
                requests.Add(OtlpJsonFile.Parse(line));
            }
            catch (Exception e)
            {
                throw new InvalidDataException($"{path}:{lineNumber} is not an OTLP JSON ExportTraceServiceRequest: {e.Message}", e);
            }
        }
        return new FileExporterOutput(requests);
    }

    /// <summary>The span with this (lowercase hex) ID; fails with the list of IDs present when it is missing.</summary>
    public ExportedSpan Span(string spanIdHex)
    {
        var spans = Spans;
        return spans.SingleOrDefault(s => s.SpanIdHex == spanIdHex)
            ?? throw new Xunit.Sdk.XunitException(
                $"span {spanIdHex} is not in the file output; present: [{string.Join(", ", spans.Select(s => s.SpanIdHex))}]");
    }
}
