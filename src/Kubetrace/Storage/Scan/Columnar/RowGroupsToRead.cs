using Kubetrace.Storage.Blocks;

namespace Kubetrace.Storage.Scan.Columnar;

/// <summary>
/// The row groups of a block a scan will decode, told from the footer alone: those holding a trace that touches a
/// requested service here and whose spans overlap the range in time (<see cref="BlockScanCursor"/> decodes a group
/// for exactly those: to deliver the trace, or to check its span starts at the range's edges). The read-ahead
/// decodes the next of these while the scan works on the current one, and never one the scan would skip.
/// </summary>
internal static class RowGroupsToRead
{
    public static bool[] Of(BlockReader block, TimeRange range, QualifyingServiceSets services)
    {
        var footer = services.Footer;
        var groups = footer.RowGroups;
        var read = new bool[groups.Length];
        if (services.All && range.Contains((long)block.MinStart) && range.Contains((long)block.MaxEnd))
        {
            Array.Fill(read, true); // every trace qualifies: every group is read
            return read;
        }
        var traces = footer.Traces;
        for (var group = 0; group < groups.Length; group++)
        {
            var end = groups[group].FirstTrace + groups[group].TraceCount;
            for (var trace = groups[group].FirstTrace; trace < end; trace++)
                if (range.Overlaps((long)traces.Starts[trace], (long)traces.Ends[trace]) && services.HasTrace(trace))
                {
                    read[group] = true;
                    break;
                }
        }
        return read;
    }
}
