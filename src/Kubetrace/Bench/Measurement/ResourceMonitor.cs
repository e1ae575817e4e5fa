using System.Diagnostics;

namespace Kubetrace.Bench.Measurement;

/// <summary>CPU and memory use over the measured window, of the generator, the server (when known) and the machine.</summary>
internal sealed record ResourceUsage(
    double GeneratorCpuCores,
    double GeneratorPeakRssMib,
    double? ServerCpuCores,
    double? ServerPeakRssMib,
    double? ServerLifetimePeakRssMib,
    double MachineBusyCores,
    int MachineCores,
    string LoadAverageAtStart)
{
    /// <summary>
    /// Cores the machine spent on something other than the generator and the server: other processes, which
    /// disturb the figures (a clean run has this near 0).
    /// </summary>
    public double OtherBusyCores => Math.Max(0, MachineBusyCores - GeneratorCpuCores - (ServerCpuCores ?? 0));
}

/// <summary>
/// Takes CPU counters at the start and end of the measured window and samples resident memory every 200 ms in
/// between (VmHWM alone would include whatever the server did before the run, such as start-up or an earlier run).
/// </summary>
internal sealed class ResourceMonitor : IAsyncDisposable
{
    private readonly int _generatorPid = Environment.ProcessId;
    private readonly int? _serverPid;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly TimeSpan _generatorCpuStart;
    private readonly TimeSpan? _serverCpuStart;
    private readonly (long Busy, long Total) _machineStart;
    private readonly string _loadAverage = ProcFs.LoadAverage();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _sampler;
    private long _generatorPeakKib;
    private long _serverPeakKib;

    public ResourceMonitor(int? serverPid)
    {
        _serverPid = serverPid;
        _generatorCpuStart = ProcFs.CpuTime(_generatorPid) ?? TimeSpan.Zero;
        _serverCpuStart = serverPid is { } pid ? ProcFs.CpuTime(pid) : null;
        _machineStart = ProcFs.MachineCpu();
        _sampler = SampleMemoryAsync(_stop.Token);
    }

    public async Task<ResourceUsage> StopAsync()
    {
        var elapsed = _clock.Elapsed.TotalSeconds;
        var generatorCpu = ProcFs.CpuTime(_generatorPid) ?? _generatorCpuStart;
        var serverCpu = _serverPid is { } pid ? ProcFs.CpuTime(pid) : null;
        var machine = ProcFs.MachineCpu();
        await StopSamplerAsync();
        SampleMemory();

        var cores = Environment.ProcessorCount;
        var machineTotal = machine.Total - _machineStart.Total;
        var serverLifetimePeak = _serverPid is { } p ? ProcFs.Memory(p)?.PeakRssKib : null;
        return new ResourceUsage(
            GeneratorCpuCores: (generatorCpu - _generatorCpuStart).TotalSeconds / elapsed,
            GeneratorPeakRssMib: _generatorPeakKib / 1024.0,
            ServerCpuCores: serverCpu is { } end && _serverCpuStart is { } start ? (end - start).TotalSeconds / elapsed : null,
            ServerPeakRssMib: _serverPid is null ? null : _serverPeakKib / 1024.0,
            ServerLifetimePeakRssMib: serverLifetimePeak / 1024.0,
            MachineBusyCores: machineTotal > 0 ? (double)(machine.Busy - _machineStart.Busy) / machineTotal * cores : 0,
            MachineCores: cores,
            LoadAverageAtStart: _loadAverage);
    }

    public async ValueTask DisposeAsync()
    {
        await StopSamplerAsync();
        _stop.Dispose();
    }

    private async Task StopSamplerAsync()
    {
        if (!_stop.IsCancellationRequested) await _stop.CancelAsync();
        await _sampler;
    }

    private async Task SampleMemoryAsync(CancellationToken stop)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(200));
        try
        {
            do SampleMemory();
            while (await timer.WaitForNextTickAsync(stop));
        }
        catch (OperationCanceledException)
        {
        }
    }

    private void SampleMemory()
    {
        if (ProcFs.Memory(_generatorPid) is { } generator)
            _generatorPeakKib = Math.Max(_generatorPeakKib, generator.RssKib);
        if (_serverPid is { } pid && ProcFs.Memory(pid) is { } server)
            _serverPeakKib = Math.Max(_serverPeakKib, server.RssKib);
    }
}
