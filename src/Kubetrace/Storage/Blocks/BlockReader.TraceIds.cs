namespace Kubetrace.Storage.Blocks;

internal sealed partial class BlockReader
{
    /// <summary>The block's trace IDs (from the footer's trace table, no row is read).</summary>
    public IEnumerable<UInt128> TraceIds() => Footer.Traces.Ids;
}
