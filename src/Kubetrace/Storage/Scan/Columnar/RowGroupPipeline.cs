using Kubetrace.Storage.Blocks;

namespace Kubetrace.Storage.Scan.Columnar;

/// <summary>
/// A block's row groups as a scan walks them in order: the one the cursor is on, and the next one the scan will
/// read (<see cref="RowGroupsToRead"/>) decoded ahead on the thread pool, so that decompression and decoding
/// overlap with the merge and the visitor on the other core. Two buffers, swapped: the cursor reads one while the
/// other fills. A group the scan skips is never decoded ahead.
/// </summary>
/// <param name="readAhead">Per group, whether to decode it ahead when the scan is on an earlier group; null: never
/// (a cursor used for a few seeks, or a rolled-up block walked for its uncounted traces).</param>
internal sealed class RowGroupPipeline(BlockReader block, int[] keyIds, int[][] shapeSlots, bool[]? readAhead)
{
    private ScannedRowGroup _current = new(keyIds.Length);
    private ScannedRowGroup _spare = new(keyIds.Length);
    private Task<bool>? _ahead;
    private int _currentGroup = -1;
    private bool _currentOk;
    private int _spareGroup = -1; // what the spare holds once _ahead is done
    private bool _spareOk;

    /// <summary>The rows of the group last loaded.</summary>
    public ScannedRowGroup Rows => _current;

    /// <summary>Makes <paramref name="group"/> the current group; false when it is unreadable (logged by the block).</summary>
    public bool Load(int group)
    {
        if (group == _currentGroup) return _currentOk;
        if (_ahead is { } ahead)
        {
            ahead.Wait(); // runs it here if no thread has picked it up yet; waited for even when not the one wanted (it fills the spare)
            _spareOk = ahead.Result;
            _ahead = null;
        }
        if (_spareGroup == group)
        {
            (_current, _spare) = (_spare, _current);
            (_currentOk, _spareOk) = (_spareOk, _currentOk);
            (_currentGroup, _spareGroup) = (_spareGroup, _currentGroup);
        }
        else
        {
            // Decoded where the cursor is: the spare keeps a group decoded ahead that the scan has not reached yet.
            _currentOk = Decode(_current, group);
            _currentGroup = group;
        }
        ReadAheadAfter(group);
        return _currentOk;
    }

    private void ReadAheadAfter(int group)
    {
        if (readAhead is null) return;
        var next = group + 1;
        while (next < readAhead.Length && !readAhead[next]) next++;
        if (next >= readAhead.Length || next == _spareGroup) return;
        var spare = _spare;
        _spareGroup = next;
        _ahead = Task.Run(() => Decode(spare, next));
    }

    private bool Decode(ScannedRowGroup rows, int group) =>
        block.TryRead(group, () => rows.Decode(block, group, keyIds, shapeSlots));
}
