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

    /// <summary>
    /// Makes <paramref name="traceId"/> the current trace when this part holds it (binary search, nothing decoded);
    /// false otherwise. For probing a part for a few traces instead of walking it: calls go in ascending trace ID
    /// order, so that each row group is decoded at most once; not mixed with <see cref="MoveNext"/>.
    /// </summary>
    bool Seek(UInt128 traceId);

    /// <summary>The earliest start of the current trace's spans in this part.</summary>
    ulong EarliestStart { get; }
}
