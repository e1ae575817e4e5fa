using Kubetrace.Storage.Blocks;

namespace Kubetrace.Storage.Scan.Columnar;

/// <summary>
/// Which of a block's service sets (footer: the distinct sets of services its traces touch) hold a service the
/// scan asks for. Decided once per set on first use: a block has far fewer sets than traces, and a rolled-up
/// block's cursor asks about a few traces only, so nothing is computed for sets never asked about.
/// </summary>
internal sealed class QualifyingServiceSets(BlockFooter footer, IReadOnlySet<string>? services)
{
    private readonly sbyte[] _qualifies = new sbyte[footer.ServiceSets.Length];

    /// <summary>The block footer the sets are of.</summary>
    public BlockFooter Footer => footer;

    /// <summary>Whether the scan asks for every service (no filter).</summary>
    public bool All => services is null;

    /// <summary>Whether the trace at this ordinal of the block's trace table touches a requested service here.</summary>
    public bool HasTrace(int trace) => services is null || Qualifies(footer.Traces.ServiceSets[trace]);

    private bool Qualifies(int set)
    {
        if (_qualifies[set] == 0)
        {
            var strings = footer.Dictionaries.Strings;
            _qualifies[set] = footer.ServiceSets[set].Any(s => services!.Contains(strings[s])) ? (sbyte)1 : (sbyte)-1;
        }
        return _qualifies[set] > 0;
    }
}
