namespace Kubetrace.Storage;

/// <summary>
/// A trace with a span that links to a span of <paramref name="Target"/>: the answer of
/// <see cref="ITraceStore.FindLinkingTracesAsync"/>. In Kubernetes an apiserver request starts a trace of its own
/// with a link to its caller's span, so "who links to this trace" finds the requests a trace caused.
/// </summary>
/// <param name="StartUnixNano">Start of the (latest) linking span.</param>
public readonly record struct LinkingTrace(TraceId TraceId, TraceId Target, long StartUnixNano);
