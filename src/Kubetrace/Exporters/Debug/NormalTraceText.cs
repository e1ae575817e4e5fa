using System.Text;
using Kubetrace.Otlp.Proto.Collector;

namespace Kubetrace.Exporters.Debug;

/// <summary>The <c>normal</c> verbosity, as the Collector's: one line per span, "name traceid spanid key=value ...".</summary>
internal static class NormalTraceText
{
    public static void Append(StringBuilder text, ExportTraceServiceRequest request)
    {
        foreach (var resourceSpans in request.ResourceSpans)
        foreach (var scopeSpans in resourceSpans.ScopeSpans)
        foreach (var span in scopeSpans.Spans)
        {
            text.Append(span.Name).Append(' ');
            GoText.AppendId(text, span.TraceId);
            text.Append(' ');
            GoText.AppendId(text, span.SpanId);
            foreach (var attribute in span.Attributes)
            {
                text.Append(' ').Append(attribute.Key).Append('=');
                AttributeText.AppendPlain(text, attribute.Value);
            }
            text.Append('\n');
        }
    }
}
