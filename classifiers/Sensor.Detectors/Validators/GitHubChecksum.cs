namespace Sensor.Detectors.Validators;

/// <summary>
/// GitHub's token checksum: <c>ghp_</c> + 30 random base62 characters + 6 characters that are the base62 (0-9A-Za-z,
/// zero-padded) CRC32 (IEEE) of the 30 random ones (github.blog 2021-04-05, "Behind GitHub's new authentication token
/// formats"). Checked against the tokens planted in ../shared/pcaps (generated with valid checksums).
/// </summary>
public static class GitHubChecksum
{
    private const string Base62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    private const int RandomLength = 30;
    private const int ChecksumLength = 6;

    /// <summary><paramref name="token"/> is the whole token (<c>ghp_…</c>, 40 characters).</summary>
    public static bool IsValid(ReadOnlySpan<char> token)
    {
        var underscore = token.IndexOf('_');
        if (underscore < 0 || token.Length - underscore - 1 != RandomLength + ChecksumLength)
        {
            return false;
        }

        var random = token.Slice(underscore + 1, RandomLength);
        var checksum = token.Slice(underscore + 1 + RandomLength, ChecksumLength);
        var crc = Crc32.Compute(random);
        Span<char> expected = stackalloc char[ChecksumLength];
        for (var i = ChecksumLength - 1; i >= 0; i--)
        {
            expected[i] = Base62[(int)(crc % 62)];
            crc /= 62;
        }

        return crc == 0 && checksum.SequenceEqual(expected);
    }
}

/// <summary>CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320) over ASCII characters.</summary>
public static class Crc32
{
    private static readonly uint[] s_table = BuildTable();

    public static uint Compute(ReadOnlySpan<char> ascii)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var c in ascii)
        {
            crc = s_table[(crc ^ (byte)c) & 0xFF] ^ (crc >> 8);
        }

        return ~crc;
    }

    public static uint Compute(ReadOnlySpan<byte> bytes)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in bytes)
        {
            crc = s_table[(crc ^ b) & 0xFF] ^ (crc >> 8);
        }

        return ~crc;
    }

    private static uint[] BuildTable()
    {
        var table = new uint[256];
        for (uint i = 0; i < 256; i++)
        {
            var c = i;
            for (var k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            }

            table[i] = c;
        }

        return table;
    }
}
