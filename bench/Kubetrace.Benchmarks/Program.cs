using BenchmarkDotNet.Running;

namespace Kubetrace.Benchmarks;

/// <summary>Pick benchmarks with --filter, e.g. --filter '*Scanner*'; --job short for a quick look; `cpu scan|batch [n]` for CPU time per operation.</summary>
public static class BenchmarksProgram
{
    public static void Main(string[] args)
    {
        if (args is ["cpu", ..]) CpuTimePerOperation.Run(args);
        else BenchmarkSwitcher.FromAssembly(typeof(BenchmarksProgram).Assembly).Run(args);
    }
}
