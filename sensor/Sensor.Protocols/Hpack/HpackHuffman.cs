namespace Sensor.Protocols.Hpack;

/// <summary>
/// Huffman decoding of HPACK string literals (RFC 7541 §5.2, Appendix B), table-driven: a state machine over the
/// code tree's 256 internal nodes that consumes 4 bits per step (no code is shorter than 5 bits, so a step emits at
/// most one symbol). The table is built once from the code lengths: the Appendix B code is canonical (codes of one
/// length are consecutive, in symbol order), so lengths alone determine it.
/// </summary>
public static class HpackHuffman
{
    /// <summary>Symbol 256, which must never appear in a string (RFC 7541 §5.2).</summary>
    public const int Eos = 256;

    private const uint EmitFlag = 1u << 16;
    private const uint FailFlag = 1u << 17;
    private const uint AcceptFlag = 1u << 18;

    /// <summary>Code length in bits of each symbol 0..256, RFC 7541 Appendix B.</summary>
    private static ReadOnlySpan<byte> CodeLengths =>
    [
        13, 23, 28, 28, 28, 28, 28, 28, 28, 24, 30, 28, 28, 30, 28, 28, 28, 28, 28, 28, 28, 28, 30, 28, 28, 28, 28, 28, 28, 28, 28, 28,
        6, 10, 10, 12, 13, 6, 8, 11, 10, 10, 8, 11, 8, 6, 6, 6, 5, 5, 5, 6, 6, 6, 6, 6, 6, 6, 7, 8, 15, 6, 12, 10,
        13, 6, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 8, 7, 8, 13, 19, 13, 14, 6,
        15, 5, 6, 5, 6, 5, 6, 6, 6, 5, 7, 7, 6, 6, 6, 5, 6, 7, 6, 5, 5, 6, 7, 7, 7, 7, 7, 15, 11, 14, 13, 28,
        20, 22, 20, 20, 22, 22, 22, 23, 22, 23, 23, 23, 23, 23, 24, 23, 24, 24, 22, 23, 24, 23, 23, 23, 23, 21, 22, 23, 22, 23, 23, 24,
        22, 21, 20, 22, 22, 23, 23, 21, 23, 22, 22, 24, 21, 22, 23, 23, 21, 21, 22, 21, 23, 22, 23, 23, 20, 22, 22, 22, 23, 22, 22, 23,
        26, 26, 20, 19, 22, 23, 22, 25, 26, 26, 26, 27, 27, 26, 24, 25, 19, 21, 26, 27, 27, 26, 27, 24, 21, 21, 26, 26, 28, 27, 27, 27,
        20, 24, 20, 21, 22, 21, 21, 23, 22, 22, 25, 25, 24, 24, 26, 23, 26, 27, 26, 26, 27, 27, 27, 27, 27, 28, 27, 27, 27, 27, 27, 26,
        30,
    ];

    private static readonly uint[] s_codes = BuildCodes();

    // [state * 16 + nibble] = next state | symbol << 8 | flags
    private static readonly uint[] s_transitions = BuildTransitions();

    /// <summary>Most bytes <paramref name="encodedLength"/> Huffman-coded bytes can decode to (5-bit shortest code).</summary>
    public static int MaxDecodedLength(int encodedLength) => (int)((encodedLength * 8L) / 5);

    /// <summary>The code of <paramref name="symbol"/>, right-aligned, and its length (for tests and encoders).</summary>
    public static (uint Code, int Length) Code(int symbol) => (s_codes[symbol], CodeLengths[symbol]);

    /// <summary>
    /// Decodes <paramref name="source"/> into <paramref name="destination"/> (which needs
    /// <see cref="MaxDecodedLength"/> bytes). False on EOS, bad padding or a too small destination.
    /// </summary>
    public static bool TryDecode(ReadOnlySpan<byte> source, Span<byte> destination, out int written)
    {
        var table = s_transitions;
        var state = 0u;
        var flags = AcceptFlag;
        var count = 0;
        foreach (var b in source)
        {
            for (var shift = 4; shift >= 0; shift -= 4)
            {
                var entry = table[(int)((state << 4) | (uint)((b >> shift) & 0xf))];
                if ((entry & FailFlag) != 0)
                {
                    written = count;
                    return false;
                }

                if ((entry & EmitFlag) != 0)
                {
                    if ((uint)count >= (uint)destination.Length)
                    {
                        written = count;
                        return false;
                    }

                    destination[count++] = (byte)(entry >> 8);
                }

                state = entry & 0xff;
                flags = entry;
            }
        }

        written = count;
        return (flags & AcceptFlag) != 0;
    }

    private static uint[] BuildCodes()
    {
        // Canonical assignment: by length, then symbol; the code increments and shifts left when the length grows.
        var lengths = CodeLengths;
        var order = new int[Eos + 1];
        for (var i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }

        var keys = new int[order.Length];
        for (var i = 0; i < keys.Length; i++)
        {
            keys[i] = (lengths[i] << 9) | i;
        }

        Array.Sort(keys, order);
        var codes = new uint[order.Length];
        var code = 0u;
        var previous = (int)lengths[order[0]];
        foreach (var symbol in order)
        {
            code <<= lengths[symbol] - previous;
            previous = lengths[symbol];
            codes[symbol] = code++;
        }

        return codes;
    }

    private static uint[] BuildTransitions()
    {
        // Tree: internal nodes 0..255 (root 0); children[node, bit] >= 0 is a node, < 0 is ~symbol.
        var children = new int[256 * 2];
        Array.Fill(children, int.MinValue);
        var depth = new int[256];
        var allOnes = new bool[256];
        allOnes[0] = true;
        var nodes = 1;
        var lengths = CodeLengths;
        for (var symbol = 0; symbol <= Eos; symbol++)
        {
            var node = 0;
            var code = s_codes[symbol];
            for (var bit = lengths[symbol] - 1; bit >= 0; bit--)
            {
                var b = (int)((code >> bit) & 1);
                if (bit == 0)
                {
                    children[(node * 2) + b] = ~symbol;
                    break;
                }

                if (children[(node * 2) + b] == int.MinValue)
                {
                    depth[nodes] = depth[node] + 1;
                    allOnes[nodes] = allOnes[node] && b == 1;
                    children[(node * 2) + b] = nodes++;
                }

                node = children[(node * 2) + b];
            }
        }

        var table = new uint[256 * 16];
        for (var state = 0; state < 256; state++)
        {
            for (var nibble = 0; nibble < 16; nibble++)
            {
                var node = state;
                var entry = 0u;
                for (var bit = 3; bit >= 0; bit--)
                {
                    var child = children[(node * 2) + ((nibble >> bit) & 1)];
                    if (child >= 0)
                    {
                        node = child;
                        continue;
                    }

                    if (~child == Eos)
                    {
                        entry = FailFlag;
                        break;
                    }

                    entry = EmitFlag | ((uint)~child << 8);
                    node = 0;
                }

                // Accepting: the bits since the last symbol could be padding (a prefix of EOS of at most 7 bits).
                if (allOnes[node] && depth[node] <= 7)
                {
                    entry |= AcceptFlag;
                }

                table[(state * 16) + nibble] = entry | (uint)node;
            }
        }

        return table;
    }
}
