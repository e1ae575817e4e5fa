using BenchmarkDotNet.Running;

namespace Kubetrace.Benchmarks;

/// <summary>Pick benchmarks with --filter, e.g. --filter '*Scanner*'; --job short for a quick look; `cpu scan|batch [n]` for CPU time per operation; `tail-memory [requests]` for tail sampling's memory per buffered span.</summary>
public static class BenchmarksProgram
{
    public static void Main(string[] args)
    {
        if (args is ["cpu", ..]) CpuTimePerOperation.Run(args);
        else if (args is ["tail-memory", ..]) Processors.Costs.TailSamplingMemoryCensus.Run(args);
        else BenchmarkSwitcher.FromAssembly(typeof(BenchmarksProgram).Assembly).Run(args);
    }
}
