using System.Text;
using Kubetrace.Storage.ClickHouse;

namespace Kubetrace.Tests.Storage;

/// <summary>
/// RowBinary as ClickHouse reads it: a String is its UTF-8 length as LEB128, then the bytes. The writer encodes each
/// text in one pass, guessing room for the length first, so the texts here sit on either side of where the guess and
/// the real length need prefixes of different sizes (127/128 bytes, 41/42 chars and their multi-byte forms).
/// </summary>
public sealed class ClickHouseRowBinaryTests
{
    /// <summary>The text <paramref name="unit"/> repeated <paramref name="times"/> times ({surrogate}: a lone UTF-16 surrogate,
    /// which UTF-8 writes as U+FFFD; it cannot be an attribute argument itself).</summary>
    [Theory]
    [InlineData("", 1)]
    [InlineData("apiserver", 1)]
    [InlineData("a", 41)]
    [InlineData("a", 42)]
    [InlineData("a", 127)]
    [InlineData("a", 128)]
    [InlineData("é", 63)]
    [InlineData("é", 64)]
    [InlineData("€", 43)]
    [InlineData("a", 16_384)]
    [InlineData("🙂 span ", 40)]
    [InlineData("lone {surrogate} here", 1)]
    public void A_string_is_its_UTF8_length_then_its_bytes_and_reads_back(string unit, int times)
    {
        var text = string.Concat(Enumerable.Repeat(unit.Replace("{surrogate}", "\ud800"), times));
        var rows = new RowBinaryWriter();
        rows.String(text);
        rows.String("next");

        var utf8 = Encoding.UTF8.GetBytes(text);
        var expected = new List<byte>();
        for (var length = (ulong)utf8.Length; ; length >>= 7)
        {
            if (length < 0x80) { expected.Add((byte)length); break; }
            expected.Add((byte)(length | 0x80));
        }
        expected.AddRange(utf8);
        expected.AddRange([4, .. "next"u8.ToArray()]);
        Assert.Equal(expected, rows.Written.ToArray());

        var reader = new RowBinaryReader(rows.Written.Span);
        Assert.Equal(Encoding.UTF8.GetString(utf8), reader.String());
        Assert.Equal("next", reader.String());
    }

    [Fact]
    public void A_cleared_writer_writes_afresh_into_the_buffer_it_kept()
    {
        var rows = new RowBinaryWriter();
        rows.String(new string('a', 100_000));
        var capacity = rows.Capacity;
        rows.Clear();
        rows.String("b");

        Assert.Equal(new byte[] { 1, (byte)'b' }, rows.Written.ToArray());
        Assert.Equal(capacity, rows.Capacity);
    }
}
