namespace Kubetrace.Storage.Blocks;

/// <summary>
/// The parts of a version 6 footer, each compressed, checksummed (CRC-32C) and sealed on its own, at offsets the
/// footer's small section table records, and read on first use: a trace by ID reads the trace table, the row group
/// directory and the dictionaries, never the postings; a search reads its postings and the trace table, never the
/// link table. In this order in the file (and in the table).
/// </summary>
internal enum FooterSection
{
    /// <summary>Strings, attribute values, resources, scopes, and the rows' attribute-key shapes.</summary>
    Dictionaries,
    /// <summary>The trace table (sorted by trace ID) and its service sets.</summary>
    Traces,
    /// <summary>Where each row group's columns lie, with their checksums.</summary>
    RowGroups,
    /// <summary>Posting lists from (service | name | attribute value) to trace ordinals.</summary>
    Postings,
    /// <summary>Dependency edges per minute, operations, span keys, event and link keys, event names.</summary>
    Catalog,
    /// <summary>The reverse link table.</summary>
    Links,
}

/// <summary>Where a stored unit of a footer (the whole footer of an older block, the section table, or one section) lies
/// in the file: its stored (compressed, maybe sealed) length, its length once decompressed, and the CRC-32C of the
/// stored bytes.</summary>
internal readonly record struct FooterPlace(long Offset, int StoredLength, int RawLength, uint Crc);

/// <summary>Gives a version 6 footer its sections on first use (the block, through the footer cache).</summary>
internal interface IFooterSections
{
    /// <summary>A footer holding only <paramref name="section"/>'s parts, or <see cref="BlockFooter.Empty"/> when the
    /// section cannot be read (the block is closed, or a section damaged since the block was opened).</summary>
    BlockFooter Section(FooterSection section);
}
