using System.Security.Cryptography;
using Sensor.Core.Hashing;

namespace Sensor.Protocols.Tls.Fingerprints;

/// <summary>Builds an ASCII string in a caller-owned buffer (fingerprint inputs), noting overflow instead of throwing.</summary>
internal ref struct AsciiBuilder
{
    private readonly Span<byte> _buffer;

    public AsciiBuilder(Span<byte> buffer)
    {
        _buffer = buffer;
        Length = 0;
        Overflow = false;
    }

    public int Length { get; private set; }

    public bool Overflow { get; private set; }

    public readonly ReadOnlySpan<byte> Written => _buffer[..Length];

    public void Append(char c)
    {
        if (Length >= _buffer.Length)
        {
            Overflow = true;
            return;
        }

        _buffer[Length++] = (byte)c;
    }

    public void AppendDecimal(uint value)
    {
        if (!value.TryFormat(_buffer[Length..], out var written, default, System.Globalization.CultureInfo.InvariantCulture))
        {
            Overflow = true;
            return;
        }

        Length += written;
    }

    /// <summary>Four lower-case hex digits, as JA4 writes cipher and extension values.</summary>
    public void AppendHex4(ushort value)
    {
        if (Length + 4 > _buffer.Length)
        {
            Overflow = true;
            return;
        }

        HexDigits.Write(value, _buffer.Slice(Length, 4));
        Length += 4;
    }

    /// <summary>Longest input SHA-256 pads into one 64-byte block (FIPS 180-4 §5.1.1: 1 + 8 bytes of padding).</summary>
    private const int OneBlockSha256Bytes = 55;

    /// <summary>Per thread: fingerprints are computed on the worker threads, each with its own hash state.</summary>
    [ThreadStatic]
    private static IncrementalHash? t_sha256;

    /// <summary>First 12 hex characters of SHA-256 of the written text (JA4's truncated hash), remembered per input (<see cref="FingerprintHashMemo"/>).</summary>
    public readonly void Sha256Prefix12(Span<char> destination)
    {
        var memo = FingerprintHashMemo.Ja4;
        if (memo.TryGet(Written, destination))
        {
            return;
        }

        Span<byte> digest = stackalloc byte[ShortSha256.DigestLength];
        if (Written.Length <= OneBlockSha256Bytes)
        {
            ShortSha256.Hash(Written, digest);
        }
        else
        {
            // Several blocks (JA4's extension list is ~200 bytes): OpenSSL's SHA extensions beat the written-out
            // rounds once there is more than one block, and a reused IncrementalHash pays no per-call setup or allocation.
            var sha256 = t_sha256 ??= IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            sha256.AppendData(Written);
            sha256.GetHashAndReset(digest);
        }

        HexDigits.Write(digest[..6], destination[..12]);
        memo.Remember(Written, destination);
    }

    /// <summary>MD5 of the written text as 32 hex characters (JA3); repeated hellos are answered before this by HelloFingerprintMemo.</summary>
    public readonly void Md5Hex(Span<char> destination)
    {
        Span<byte> digest = stackalloc byte[ShortMd5.DigestLength];
        ShortMd5.Hash(Written, digest); // JA3 is defined over MD5: an identifier, not a security control
        HexDigits.Write(digest, destination[..32]);
    }
}
