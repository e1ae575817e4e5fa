using System.Collections.Concurrent;
using Kubetrace.Components;
using Kubetrace.Telemetry;
using Microsoft.Extensions.Logging;

namespace Kubetrace.Tests.TestSupport;

/// <summary>Settings for a component under test, with the log lines captured for assertions.</summary>
internal sealed class TestSettings
{
    /// <param name="metrics">A registry the test already holds; a new one otherwise.</param>
    public TestSettings(string id = "test", MetricsRegistry? metrics = null)
    {
        ComponentId.TryParse(id, out var parsed, out _);
        Metrics = metrics ?? new MetricsRegistry();
        Settings = new ComponentSettings(parsed, new CapturingLoggerFactory(Log), Metrics, new ServiceStatus());
    }

    /// <summary>Just the settings, for a test that needs neither the log nor the counters of this helper.</summary>
    public static ComponentSettings For(string id, MetricsRegistry? metrics = null) => new TestSettings(id, metrics).Settings;

    public ComponentSettings Settings { get; }

    public MetricsRegistry Metrics { get; }

    public ConcurrentQueue<string> Log { get; } = new();

    /// <summary>The value of a counter of this exporter (label <c>exporter</c>) as rendered for Prometheus, or 0 when absent.</summary>
    public double Counter(string name)
    {
        var prefix = $"{name}_total{{exporter=\"{Settings.Id}\"}} ";
        var line = Metrics.Render().Split('\n').FirstOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal));
        return line is null ? 0 : double.Parse(line[prefix.Length..], System.Globalization.CultureInfo.InvariantCulture);
    }

    public double Gauge(string name)
    {
        var prefix = $"{name}{{exporter=\"{Settings.Id}\"}} ";
        var line = Metrics.Render().Split('\n').First(l => l.StartsWith(prefix, StringComparison.Ordinal));
        return double.Parse(line[prefix.Length..], System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>A logger factory whose every logger adds its lines (with the exception, stack trace included, as a
    /// console logger would print it) to <paramref name="lines"/>.</summary>
    public static ILoggerFactory Capturing(ConcurrentQueue<string> lines) => new CapturingLoggerFactory(lines);

    private sealed class CapturingLoggerFactory(ConcurrentQueue<string> lines) : ILoggerFactory
    {
        public ILogger CreateLogger(string categoryName) => new CapturingLogger(lines);

        public void AddProvider(ILoggerProvider provider) { }

        public void Dispose() { }
    }

    private sealed class CapturingLogger(ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception,
            Func<TState, Exception?, string> formatter) =>
            lines.Enqueue($"{logLevel}: {formatter(state, exception)}{(exception is null ? "" : "\n" + exception)}");
    }
}
