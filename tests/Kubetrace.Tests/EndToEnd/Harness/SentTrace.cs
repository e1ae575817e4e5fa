using Kubetrace.Otlp.Proto.Common;
using Kubetrace.Otlp.Proto.Resource;
using Kubetrace.Otlp.Proto.Trace;

namespace Kubetrace.Tests.EndToEnd.Harness;

/// <summary>What a real client sent (one resource, one scope): the OTLP objects it must come out as.</summary>
internal sealed record SentTrace(Resource Resource, InstrumentationScope Scope, IReadOnlyList<Span> Spans);
