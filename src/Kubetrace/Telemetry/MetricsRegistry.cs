using System.Collections.Concurrent;
using System.Globalization;
using System.Text;

namespace Kubetrace.Telemetry;

/// <summary>
/// The service's own metrics, rendered in the Prometheus text format on the telemetry endpoint.
/// </summary>
/// <remarks>
/// Components ask for their instruments once, at construction, and keep them: the hot path is then one
/// <see cref="Interlocked"/> add, with no lookup and no allocation. Metric names follow the Collector's
/// (<c>otelcol_receiver_accepted_spans</c>, ...) so that existing dashboards work.
/// </remarks>
public sealed class MetricsRegistry
{
    private readonly ConcurrentDictionary<string, Family> _families = new();

    /// <summary>A monotonically increasing count (rendered as a Prometheus counter with the <c>_total</c> suffix).</summary>
    public Counter Counter(string name, string help, params (string Key, string Value)[] labels) =>
        (Counter)GetFamily(name, help, "counter").Series.GetOrAdd(FormatLabels(labels), _ => new Counter());

    /// <summary>A value read when the metrics are scraped (queue size, memory in use).</summary>
    public void Gauge(string name, string help, Func<double> read, params (string Key, string Value)[] labels) =>
        GetFamily(name, help, "gauge").Series[FormatLabels(labels)] = new Gauge(read);

    /// <summary>A distribution with fixed bucket upper bounds (rendered as a Prometheus histogram).</summary>
    public Histogram Histogram(string name, string help, double[] bounds, params (string Key, string Value)[] labels) =>
        (Histogram)GetFamily(name, help, "histogram").Series.GetOrAdd(FormatLabels(labels), _ => new Histogram(bounds));

    /// <summary>Writes every metric in the Prometheus text exposition format 0.0.4.</summary>
    public void WriteTo(TextWriter writer)
    {
        foreach (var family in _families.Values.OrderBy(f => f.Name, StringComparer.Ordinal))
        {
            var exposedName = family.Type == "counter" ? family.Name + "_total" : family.Name;
            writer.Write($"# HELP {exposedName} {family.Help}\n# TYPE {exposedName} {family.Type}\n");
            foreach (var (labels, series) in family.Series.OrderBy(s => s.Key, StringComparer.Ordinal))
            {
                if (series is Histogram histogram)
                {
                    histogram.WriteTo(writer, exposedName, labels);
                    continue;
                }
                writer.Write(exposedName);
                writer.Write(labels);
                writer.Write(' ');
                writer.Write(series.Read().ToString(CultureInfo.InvariantCulture));
                writer.Write('\n');
            }
        }
    }

    public string Render()
    {
        var writer = new StringWriter();
        WriteTo(writer);
        return writer.ToString();
    }

    private Family GetFamily(string name, string help, string type)
    {
        var family = _families.GetOrAdd(name, n => new Family(n, help, type));
        if (family.Type != type)
            throw new InvalidOperationException($"metric {name} is already registered as a {family.Type}");
        return family;
    }

    private static string FormatLabels((string Key, string Value)[] labels)
    {
        if (labels.Length == 0) return "";
        var builder = new StringBuilder("{");
        for (var i = 0; i < labels.Length; i++)
        {
            if (i > 0) builder.Append(',');
            builder.Append(labels[i].Key).Append("=\"");
            foreach (var c in labels[i].Value)
            {
                _ = c switch
                {
                    '\\' => builder.Append(@"\\"),
                    '"' => builder.Append("\\\""),
                    '\n' => builder.Append(@"\n"),
                    _ => builder.Append(c),
                };
            }
            builder.Append('"');
        }
        return builder.Append('}').ToString();
    }

    private sealed record Family(string Name, string Help, string Type)
    {
        public ConcurrentDictionary<string, ISeries> Series { get; } = new();
    }
}

internal interface ISeries
{
    double Read();
}

/// <summary>A counter instrument; keep the reference and call <see cref="Add"/> on the hot path.</summary>
public sealed class Counter : ISeries
{
    private long _value;

    public long Value => Interlocked.Read(ref _value);

    public void Add(long delta) => Interlocked.Add(ref _value, delta);

    double ISeries.Read() => Value;
}

internal sealed class Gauge(Func<double> read) : ISeries
{
    public double Read() => read();
}
