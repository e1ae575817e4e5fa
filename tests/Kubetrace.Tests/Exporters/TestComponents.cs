using System.Collections.Concurrent;
using Kubetrace.Components;
using Kubetrace.Pipeline;
using Kubetrace.Telemetry;
using Microsoft.Extensions.Logging;

namespace Kubetrace.Tests.Exporters;

/// <summary>Settings for a component under test, with the log lines captured for assertions.</summary>
internal sealed class TestSettings
{
    public TestSettings(string id = "test")
    {
        ComponentId.TryParse(id, out var parsed, out _);
        Settings = new ComponentSettings(parsed, new CapturingLoggerFactory(Log), Metrics, new ServiceStatus());
    }

    public ComponentSettings Settings { get; }

    public MetricsRegistry Metrics { get; } = new();

    public ConcurrentQueue<string> Log { get; } = new();

    /// <summary>The value of a counter of this exporter as rendered for Prometheus, or 0 when absent.</summary>
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
            Func<TState, Exception?, string> formatter) => lines.Enqueue($"{logLevel}: {formatter(state, exception)}");
    }
}

/// <summary>A sink whose behaviour per call is scripted by the test, recording what it received.</summary>
internal sealed class ScriptedSink : Kubetrace.Exporters.Helper.IExportSink
{
    public ConcurrentQueue<TraceBatch> Received { get; } = new();

    public int Calls => _calls;

    /// <summary>Decides the outcome of call number n (1-based): null to succeed, or the error to throw.</summary>
    public Func<int, ConsumerException?> Outcome { get; set; } = _ => null;

    /// <summary>When set, each call waits for it first (to hold the queue's consumers busy).</summary>
    public TaskCompletionSource? Gate { get; set; }

    /// <summary>Calls up to this number hang until cancelled (a destination that never answers).</summary>
    public int HangingCalls { get; set; }

    public TaskCompletionSource FirstCallStarted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private int _calls;

    public async ValueTask ConsumeAsync(TraceBatch batch, CancellationToken cancellationToken)
    {
        var n = Interlocked.Increment(ref _calls);
        FirstCallStarted.TrySetResult();
        if (Gate is { } gate) await gate.Task.WaitAsync(cancellationToken);
        if (n <= HangingCalls) await Task.Delay(Timeout.Infinite, cancellationToken);
        if (Outcome(n) is { } error) throw error;
        Received.Enqueue(batch);
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public bool ShutDown { get; private set; }

    public Task ShutdownAsync(CancellationToken cancellationToken)
    {
        ShutDown = true;
        return Task.CompletedTask;
    }
}

/// <summary>Queue/retry/timeout settings for a test exporter.</summary>
internal sealed class HelperConfig : Kubetrace.Exporters.Helper.IExporterHelperConfig
{
    public Kubetrace.Exporters.Helper.QueueConfig SendingQueue { get; set; } = new();

    public Kubetrace.Exporters.Helper.RetryConfig RetryOnFailure { get; set; } = new();

    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(5);
}
