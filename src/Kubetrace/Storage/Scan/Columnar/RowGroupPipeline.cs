using Kubetrace.Storage.Blocks;

namespace Kubetrace.Storage.Scan.Columnar;

/// <summary>
/// A block's row groups as a scan walks them in order: the one the cursor is on, and (when the whole block is
/// wanted) the next one decoded ahead on the thread pool, so that decompression and decoding overlap with the
/// merge and the visitor on the other core. Two buffers, swapped: the cursor reads one while the other fills.
/// </summary>
internal sealed class RowGroupPipeline(BlockReader block, int[] keyIds, int[][] shapeSlots, bool readAhead)
{
    private ScannedRowGroup _current = new(keyIds.Length);
    private ScannedRowGroup _spare = new(keyIds.Length);
    private Task<bool>? _ahead;
    private int _aheadGroup = -1;
    private int _currentGroup = -1;
    private bool _currentOk;

    /// <summary>The rows of the group last loaded.</summary>
    public ScannedRowGroup Rows => _current;

    /// <summary>Makes <paramref name="group"/> the current group; false when it is unreadable (logged by the block).</summary>
    public bool Load(int group)
    {
        if (group == _currentGroup) return _currentOk;
        if (_ahead is { } ahead)
        {
            ahead.Wait(); // runs it here if no thread has picked it up yet; waited for even when not the one wanted (it fills the spare)
            var ok = ahead.Result;
            _ahead = null;
            if (_aheadGroup == group)
            {
                (_current, _spare) = (_spare, _current);
                _currentOk = ok;
            }
            else _currentOk = Decode(_current, group);
        }
        else _currentOk = Decode(_current, group);
        _currentGroup = group;
        if (readAhead && group + 1 < block.Footer.RowGroups.Length)
        {
            var spare = _spare;
            _aheadGroup = group + 1;
            _ahead = Task.Run(() => Decode(spare, group + 1));
        }
        return _currentOk;
    }

    private bool Decode(ScannedRowGroup rows, int group) =>
        block.TryRead(group, () => rows.Decode(block, group, keyIds, shapeSlots));
}
