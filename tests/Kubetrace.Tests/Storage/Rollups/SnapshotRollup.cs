using System.Text;
using Kubetrace.Storage.Rollups;
using Kubetrace.Storage.Scan;
using Kubetrace.Tests.Storage.Scan;

namespace Kubetrace.Tests.Storage.Rollups;

/// <summary>
/// A test rollup that keeps every trace it is given, as text (<see cref="ScanSnapshot.Describe"/> per span), so
/// that rollups merged with a rolled-up scan's visitor can be compared with a full scan trace by trace: a trace
/// counted twice, missed, or missing a span shows in the diff.
/// </summary>
internal sealed class SnapshotRollup(string id = "test-snapshot-1", params string[] keys) : IRollup
{
    public string Id => id;

    public IReadOnlyList<string> AttributeKeys { get; } = keys;

    public IRollupAccumulator CreateAccumulator() => new Accumulator();

    /// <summary>Trace ID → its spans described, sorted, one per line (the shape of <see cref="ScanSnapshot.TakeAsync"/>).</summary>
    public static string Describe(ScannedTrace trace) => string.Join("\n", trace.Spans.Select(ScanSnapshot.Describe).Order(StringComparer.Ordinal));

    public static IEnumerable<(string TraceId, string Spans)> Read(ReadOnlyMemory<byte> payload)
    {
        var text = Encoding.UTF8.GetString(payload.Span);
        foreach (var entry in text.Split('\u001e', StringSplitOptions.RemoveEmptyEntries))
        {
            var tab = entry.IndexOf('\t', StringComparison.Ordinal);
            yield return (entry[..tab], entry[(tab + 1)..]);
        }
    }

    private sealed class Accumulator : IRollupAccumulator
    {
        private readonly StringBuilder _text = new();

        public void Add(ScannedTrace trace) => _text.Append(trace.TraceId).Append('\t').Append(Describe(trace)).Append('\u001e');

        public byte[] ToBytes() => Encoding.UTF8.GetBytes(_text.ToString());
    }
}

/// <summary>A second test rollup, with other keys (the build reads the union once): spans per service and key value.</summary>
internal sealed class SpansPerServiceRollup : IRollup
{
    public string Id => "test-spans-per-service-1";

    public IReadOnlyList<string> AttributeKeys { get; } = ["http.method", "k8s.namespace.name"];

    public IRollupAccumulator CreateAccumulator() => new Accumulator();

    public static Dictionary<string, long> Read(ReadOnlyMemory<byte> payload) =>
        Encoding.UTF8.GetString(payload.Span).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split('\t')).ToDictionary(p => p[0], p => long.Parse(p[1], System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>The counting the accumulator does, also used on the traces a scan delivers.</summary>
    public static void Count(ScannedTrace trace, Dictionary<string, long> counts)
    {
        counts["traces"] = counts.GetValueOrDefault("traces") + 1;
        foreach (var span in trace.Spans)
        {
            var key = $"{span.Service}|{span.Values[0] ?? "-"}|{span.Values[1] ?? "-"}";
            counts[key] = counts.GetValueOrDefault(key) + 1;
        }
    }

    private sealed class Accumulator : IRollupAccumulator
    {
        private readonly Dictionary<string, long> _counts = new(StringComparer.Ordinal);

        public void Add(ScannedTrace trace) => Count(trace, _counts);

        public byte[] ToBytes() => Encoding.UTF8.GetBytes(string.Concat(_counts.Select(c => $"{c.Key}\t{c.Value}\n")));
    }
}
