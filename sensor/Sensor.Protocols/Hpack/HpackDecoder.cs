namespace Sensor.Protocols.Hpack;

/// <summary>
/// Decodes complete HPACK header blocks (RFC 7541), one decoder per direction of an HTTP/2 connection: the dynamic
/// table carries over from block to block. The HTTP/2 session joins HEADERS and CONTINUATION fragments first, so
/// a block is always whole and the decoder needs no resumable state. Fields go to a struct handler as spans (into
/// the block, the dynamic table, or scratch for Huffman strings); nothing is allocated per block once the scratch
/// buffers have grown to the largest string seen.
/// <code>
///   0   1   2   3   4   5   6   7
/// +---+---+---+---+---+---+---+---+
/// | 1 |        Index (7+)         |  indexed field (§6.1)
/// | 0 | 1 |      Index (6+)       |  literal, incremental indexing (§6.2.1); index 0: name follows
/// | 0 | 0 | 1 |   Max size (5+)   |  dynamic table size update (§6.3)
/// | 0 | 0 | 0 | N |  Index (4+)   |  literal without indexing (N=0, §6.2.2) or never indexed (N=1, §6.2.3)
/// +---+---+---+---+---------------+
/// string literal (§5.2):  | H |    Length (7+)    |  then Length octets, Huffman-coded when H=1
/// </code>
/// </summary>
public sealed class HpackDecoder
{
    /// <summary>
    /// First size of a scratch buffer, made on the first Huffman string (or table name) it must hold: most fields are
    /// well under it; longer ones (cookies, JWTs) grow it once. Many decoders never need one (a server side that
    /// indexes everything, a connection that ends after the first block), so none is made up front.
    /// </summary>
    private const int InitialScratch = 256;

    private byte[] _nameScratch = [];
    private byte[] _valueScratch = [];

    /// <param name="maxHeaderListSize">Decoded list cap per block; see <see cref="HpackLimits.MaxHeaderListSize"/>.</param>
    public HpackDecoder(int maxHeaderListSize = HpackLimits.MaxHeaderListSize)
    {
        MaxHeaderListSize = maxHeaderListSize;
        AllowedTableSize = HpackLimits.DefaultTableSize;
        Table = new HpackDynamicTable(HpackLimits.DefaultTableSize);
    }

    public HpackDynamicTable Table { get; }

    public int MaxHeaderListSize { get; }

    /// <summary>The bound for size updates: the peer's SETTINGS_HEADER_TABLE_SIZE, at most <see cref="HpackLimits.MaxTableSize"/>.</summary>
    public int AllowedTableSize { get; private set; }

    /// <summary>Decoded size (RFC 7540 §6.5.2 accounting) of the last block, complete or not.</summary>
    public int LastHeaderListSize { get; private set; }

    /// <summary>
    /// The receiver of this direction sent SETTINGS_HEADER_TABLE_SIZE. Growing the table at once is safe (the encoder
    /// never references entries it evicted, and indices count from the newest); shrinking waits for the encoder's
    /// size update, which must then respect the new bound.
    /// </summary>
    public void SetAllowedTableSize(long settingsValue)
    {
        AllowedTableSize = (int)Math.Clamp(settingsValue, 0, HpackLimits.MaxTableSize);
        if (AllowedTableSize > Table.MaxSize)
        {
            Table.SetMaxSize(AllowedTableSize);
        }
    }

    /// <summary>Decodes one whole header block, calling <paramref name="handler"/> per field in order.</summary>
    public HpackStatus Decode<THandler>(ReadOnlySpan<byte> block, ref THandler handler)
        where THandler : IHpackHeaderHandler, allows ref struct
    {
        var pos = 0;
        var listSize = 0;
        var fieldSeen = false;
        LastHeaderListSize = 0;
        while (pos < block.Length)
        {
            var first = block[pos];
            HpackStatus status;
            ReadOnlySpan<byte> name;
            ReadOnlySpan<byte> value;
            var index = false;
            if ((first & 0x80) != 0)
            {
                status = HpackInteger.Read(block, ref pos, 7, out var i);
                if (status != HpackStatus.Done)
                {
                    return status;
                }

                if (!TryGetEntry(i, out name, out value))
                {
                    return HpackStatus.BadIndex;
                }
            }
            else if ((first & 0xe0) == 0x20)
            {
                if (fieldSeen)
                {
                    return HpackStatus.TableSizeUpdateMisplaced;
                }

                status = HpackInteger.Read(block, ref pos, 5, out var size);
                if (status != HpackStatus.Done)
                {
                    return status;
                }

                if (size > AllowedTableSize)
                {
                    return HpackStatus.TableSizeTooLarge;
                }

                Table.SetMaxSize(size);
                continue;
            }
            else
            {
                index = (first & 0x40) != 0;
                status = ReadLiteral(block, ref pos, index ? 6 : 4, index, out name, out value);
                if (status != HpackStatus.Done)
                {
                    return status;
                }
            }

            fieldSeen = true;
            listSize += name.Length + value.Length + HpackLimits.EntryOverhead;
            LastHeaderListSize = listSize;
            if (listSize > MaxHeaderListSize)
            {
                return HpackStatus.HeaderListTooLarge;
            }

            handler.OnHeader(name, value);
            if (index)
            {
                Table.Add(name, value);
            }
        }

        return HpackStatus.Done;
    }

    private HpackStatus ReadLiteral(ReadOnlySpan<byte> block, scoped ref int pos, int prefixBits, bool index, out ReadOnlySpan<byte> name, out ReadOnlySpan<byte> value)
    {
        value = default;
        var status = HpackInteger.Read(block, ref pos, prefixBits, out var nameIndex);
        if (status != HpackStatus.Done)
        {
            name = default;
            return status;
        }

        if (nameIndex == 0)
        {
            status = ReadString(block, ref pos, ref _nameScratch, out name);
        }
        else if (!TryGetEntry(nameIndex, out name, out _))
        {
            return HpackStatus.BadIndex;
        }
        else if (index && nameIndex > HpackStaticTable.Count)
        {
            // The insertion may evict or move the very entry this name points into (RFC 7541 §4.4): copy it out first.
            EnsureCapacity(ref _nameScratch, name.Length);
            name.CopyTo(_nameScratch);
            name = _nameScratch.AsSpan(0, name.Length);
        }

        return status != HpackStatus.Done ? status : ReadString(block, ref pos, ref _valueScratch, out value);
    }

    private static HpackStatus ReadString(ReadOnlySpan<byte> block, scoped ref int pos, ref byte[] scratch, out ReadOnlySpan<byte> text)
    {
        text = default;
        if ((uint)pos >= (uint)block.Length)
        {
            return HpackStatus.Truncated;
        }

        var huffman = (block[pos] & 0x80) != 0;
        var status = HpackInteger.Read(block, ref pos, 7, out var length);
        if (status != HpackStatus.Done)
        {
            return status;
        }

        if (length > HpackLimits.MaxStringLength)
        {
            return HpackStatus.StringTooLong;
        }

        if (length > block.Length - pos)
        {
            return HpackStatus.Truncated;
        }

        var raw = block.Slice(pos, length);
        pos += length;
        if (!huffman)
        {
            text = raw;
            return HpackStatus.Done;
        }

        EnsureCapacity(ref scratch, HpackHuffman.MaxDecodedLength(length));
        if (!HpackHuffman.TryDecode(raw, scratch, out var written))
        {
            return HpackStatus.BadHuffman;
        }

        text = scratch.AsSpan(0, written);
        return HpackStatus.Done;
    }

    private static void EnsureCapacity(ref byte[] scratch, int length)
    {
        if (scratch.Length < length)
        {
            scratch = new byte[Math.Max(length, Math.Max(InitialScratch, scratch.Length * 2))];
        }
    }

    private bool TryGetEntry(int index, out ReadOnlySpan<byte> name, out ReadOnlySpan<byte> value)
    {
        if (index >= 1 && index <= HpackStaticTable.Count)
        {
            name = HpackStaticTable.Name(index);
            value = HpackStaticTable.Value(index);
            return true;
        }

        var dynamicIndex = index - HpackStaticTable.Count;
        if (index < 1 || dynamicIndex > Table.Count)
        {
            name = default;
            value = default;
            return false;
        }

        name = Table.Name(dynamicIndex);
        value = Table.Value(dynamicIndex);
        return true;
    }
}
