using Google.Protobuf;
using Kubetrace.Otlp.Proto.Collector;
using Kubetrace.Otlp.Proto.Common;
using Kubetrace.Otlp.Proto.Resource;
using Kubetrace.Otlp.Proto.Trace;
using Kubetrace.Pipeline;

namespace Kubetrace.Tests.TestSupport;

/// <summary>Builds requests whose every span says where it came from, to check order and grouping after processing.</summary>
internal static class OriginLabelledRequests
{
    private static int _nextSpan;

    /// <summary>
    /// A request with <paramref name="spansPerScope"/>.Length scopes per resource, for each of
    /// <paramref name="resources"/> resources; span names are unique across the test run.
    /// </summary>
    public static ExportTraceServiceRequest Request(string service, int resources = 1, params int[] spansPerScope)
    {
        if (spansPerScope.Length == 0) spansPerScope = [1];
        var request = new ExportTraceServiceRequest();
        for (var r = 0; r < resources; r++)
        {
            var resourceSpans = new ResourceSpans
            {
                Resource = new Resource { Attributes = { new KeyValue { Key = "service.name", Value = new AnyValue { StringValue = $"{service}-{r}" } } } },
                SchemaUrl = "https://opentelemetry.io/schemas/1.24.0",
            };
            for (var s = 0; s < spansPerScope.Length; s++)
            {
                var scopeSpans = new ScopeSpans
                {
                    Scope = new InstrumentationScope { Name = $"scope-{s}", Version = "1.0" },
                    SchemaUrl = $"https://example.com/scope-schema/{s}",
                };
                for (var i = 0; i < spansPerScope[s]; i++)
                {
                    var id = Interlocked.Increment(ref _nextSpan);
                    scopeSpans.Spans.Add(new Span
                    {
                        TraceId = SampleRequests.TraceId(0),
                        SpanId = ByteString.CopyFrom(BitConverter.GetBytes((long)id)),
                        Name = $"span-{id}",
                        StartTimeUnixNano = 1_000,
                        EndTimeUnixNano = 2_000,
                    });
                }
                resourceSpans.ScopeSpans.Add(scopeSpans);
            }
            request.ResourceSpans.Add(resourceSpans);
        }
        return request;
    }

    /// <summary>Every span as "resource / scope / span", in order: what must survive batching and splitting.</summary>
    public static List<string> Flatten(IEnumerable<TraceBatch> batches) =>
        batches.SelectMany(b => Flatten(b.Request)).ToList();

    public static IEnumerable<string> Flatten(ExportTraceServiceRequest request) =>
        from resourceSpans in request.ResourceSpans
        from scopeSpans in resourceSpans.ScopeSpans
        from span in scopeSpans.Spans
        select $"{resourceSpans.Resource.Attributes[0].Value.StringValue} {resourceSpans.SchemaUrl} / " +
               $"{scopeSpans.Scope.Name} {scopeSpans.Scope.Version} {scopeSpans.SchemaUrl} / {span.Name}";
}
