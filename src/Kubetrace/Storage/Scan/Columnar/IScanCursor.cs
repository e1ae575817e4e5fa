namespace Kubetrace.Storage.Scan.Columnar;

/// <summary>
/// One part of the store (the head, a frozen head, a block) walked in trace ID order. The scan merges the
/// cursors of every part so that each trace is delivered once, whole, whichever parts hold its spans.
/// </summary>
internal interface IScanCursor
{
    /// <summary>The trace the cursor is on (valid after <see cref="MoveNext"/> returned true).</summary>
    UInt128 Current { get; }

    bool MoveNext();

    /// <summary>Whether this part holds a span of the current trace that starts in <paramref name="range"/>.</summary>
    bool HasSpanStartingIn(TimeRange range);

    /// <summary>Whether this part holds a span of the current trace from one of the request's services.</summary>
    bool HasRequestedService();

    /// <summary>Adds this part's spans of the current trace.</summary>
    void AddSpans(TraceBuffer buffer);
}
