using Kubetrace.Storage;
using Kubetrace.Storage.Encoding;

namespace Kubetrace.Analysis;

/// <summary>
/// One analysis row's concrete examples, recorded as the row counts each observation (on the span the analysis
/// measured, so the example is what the row's own classification chose, never a search that re-derives it): the
/// slowest, and a few chosen uniformly at random by the smallest hash of their trace and span IDs, of which the
/// report gives the one nearest the row's median as a typical one. Both choices depend only on the set of
/// observations, never on their order, so states merged from blocks in any order (rollups, ClickHouse) give the
/// same examples as one state over every trace.
/// </summary>
public sealed class ExampleTraces
{
    /// <summary>How many random candidates a row keeps for its typical example: its size and time stay constant.</summary>
    private const int Candidates = 8;

    private Example _slowest;
    private bool _any;
    private Example[] _candidates = [];
    private int _count;
    private int _worst; // the candidate with the largest rank

    /// <summary>The span ID of an observation measured on a whole trace (a pod's start-up): its example names no span.</summary>
    public const ulong WholeTrace = 0;

    public void Record(TraceId trace, ulong spanId, long nanos) => Add(new Example(trace, spanId, nanos, Rank(trace, spanId)));

    public void Merge(ExampleTraces other)
    {
        if (other._any) Add(other._slowest);
        for (var i = 0; i < other._count; i++) Add(other._candidates[i]);
    }

    /// <summary>The row's examples; <paramref name="medianNanos"/> picks the typical one. Null when nothing was recorded.</summary>
    public RowExamples? Report(double medianNanos)
    {
        if (!_any) return null;
        Example? typical = null;
        for (var i = 0; i < _count; i++)
        {
            var c = _candidates[i];
            if (typical is not { } t || Math.Abs(c.Nanos - medianNanos) < Math.Abs(t.Nanos - medianNanos) ||
                (Math.Abs(c.Nanos - medianNanos) == Math.Abs(t.Nanos - medianNanos) && Before(c, t))) typical = c;
        }
        return new RowExamples(Describe(_slowest), typical is { } found ? Describe(found) : null);
    }

    private static RowExample Describe(Example e) =>
        new(e.Trace.ToString(), e.SpanId == WholeTrace ? null : e.SpanId.ToString("x16", System.Globalization.CultureInfo.InvariantCulture), ReportNumbers.Ms(e.Nanos));

    private void Add(Example e)
    {
        if (!_any || e.Nanos > _slowest.Nanos || (e.Nanos == _slowest.Nanos && Before(e, _slowest)))
        {
            _slowest = e;
            _any = true;
        }
        // Keep the Candidates smallest ranks: one comparison for most observations once the row has them all.
        if (_count == Candidates && !Before(e, _candidates[_worst])) return;
        for (var i = 0; i < _count; i++)
            if (_candidates[i].Trace == e.Trace && _candidates[i].SpanId == e.SpanId) return; // merged twice
        if (_count < Candidates)
        {
            if (_candidates.Length == _count) Array.Resize(ref _candidates, Math.Max(2, _count * 2));
            _candidates[_count++] = e;
        }
        else _candidates[_worst] = e;
        _worst = 0;
        for (var i = 1; i < _count; i++)
            if (Before(_candidates[_worst], _candidates[i])) _worst = i;
    }

    /// <summary>The fixed order of the random choice: rank, then trace and span ID (ranks may tie).</summary>
    private static bool Before(Example a, Example b) =>
        a.Rank != b.Rank ? a.Rank < b.Rank : a.Trace != b.Trace ? a.Trace.CompareTo(b.Trace) < 0 : a.SpanId < b.SpanId;

    /// <summary>A well-mixed hash of the IDs (trace IDs may be sequential in simulated or test data).</summary>
    private static ulong Rank(TraceId trace, ulong spanId)
    {
        var x = (ulong)trace.Value ^ (ulong)(trace.Value >> 64) * 0x9E3779B97F4A7C15 ^ spanId * 0xC2B2AE3D27D4EB4F;
        x ^= x >> 33;
        x *= 0xFF51AFD7ED558CCD;
        x ^= x >> 33;
        return x;
    }

    /// <summary>The slowest, then the candidates in their fixed order: a state read back writes the same bytes.</summary>
    internal void WriteTo(ByteWriter writer)
    {
        writer.WriteVarint(_any ? _count + 1 : 0);
        if (!_any) return;
        Write(writer, _slowest);
        var ordered = _candidates[.._count];
        Array.Sort(ordered, (a, b) => Before(a, b) ? -1 : Before(b, a) ? 1 : 0);
        foreach (var candidate in ordered) Write(writer, candidate);
    }

    /// <summary>Adds what <see cref="WriteTo"/> wrote.</summary>
    internal void MergeFrom(ByteReader reader)
    {
        var examples = reader.ReadInt();
        for (var i = 0; i < examples; i++)
        {
            var trace = new TraceId(reader.ReadUInt128());
            var span = reader.ReadFixed64();
            Add(new Example(trace, span, reader.ReadLong(), Rank(trace, span)));
        }
    }

    private static void Write(ByteWriter writer, Example e)
    {
        writer.WriteUInt128(e.Trace.Value);
        writer.WriteFixed64(e.SpanId);
        writer.WriteVarint(e.Nanos);
    }

    private readonly record struct Example(TraceId Trace, ulong SpanId, long Nanos, ulong Rank);
}

/// <summary>A row's examples: the slowest observation and a typical one (nearest the median among random picks).</summary>
public sealed record RowExamples(RowExample Slowest, RowExample? Typical);

/// <summary>One observation of a row: its trace, the span the analysis measured it on (null: the whole trace), and its duration.</summary>
public sealed record RowExample(string TraceId, string? SpanId, double DurationMs);
