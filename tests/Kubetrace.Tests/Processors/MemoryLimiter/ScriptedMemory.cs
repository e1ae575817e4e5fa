using Kubetrace.Processors.MemoryLimiter;

namespace Kubetrace.Tests.Processors.MemoryLimiter;

/// <summary>Memory readings set by the test, and a GC that frees what the test says it frees.</summary>
internal sealed class ScriptedMemory : IProcessMemory
{
    public long InUse { get; set; }

    /// <summary>What a forced GC brings usage down to; null: the GC frees nothing.</summary>
    public long? AfterCollection { get; set; }

    public List<bool> Collections { get; } = []; // the compact flag of each forced GC

    public int YoungCollections { get; private set; }

    /// <summary>Measurements taken so far.</summary>
    public int Readings { get; private set; }

    public long InUseBytes()
    {
        Readings++;
        return InUse;
    }

    public void CollectYoung() => YoungCollections++;

    public void Collect(bool compact)
    {
        Collections.Add(compact);
        if (AfterCollection is { } after) InUse = after;
    }
}
