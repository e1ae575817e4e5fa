using BenchmarkDotNet.Running;

namespace Kubetrace.Benchmarks;

/// <summary>Pick benchmarks with --filter, e.g. --filter '*Scanner*'; --job short for a quick look.</summary>
public static class BenchmarksProgram
{
    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(BenchmarksProgram).Assembly).Run(args);
}
