using System.Collections.Concurrent;
using Kubetrace.Pipeline;

namespace Kubetrace.Tests.Exporters;

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
