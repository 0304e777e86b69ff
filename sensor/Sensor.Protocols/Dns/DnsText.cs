using System.Buffers.Text;

namespace Sensor.Protocols.Dns;

/// <summary>
/// The presentation text of one message (names, RDATA, address bytes) as UTF-8, built in one reused buffer per thread
/// and copied out once: a message's strings are spans of one array instead of a string and a builder per name.
/// </summary>
public sealed class DnsText
{
    /// <summary>A typical answer fits (a few names and addresses); longer messages grow it, bounded by the record caps.</summary>
    private const int InitialCapacity = 1024;

    private byte[] _bytes = new byte[InitialCapacity];

    public int Length { get; private set; }

    public ReadOnlySpan<byte> Written => _bytes.AsSpan(0, Length);

    public void Clear() => Length = 0;

    /// <summary>Drops what was written after <paramref name="length"/> (a record that turned out malformed or over the cap).</summary>
    public void Truncate(int length) => Length = length;

    public void Append(byte value)
    {
        Ensure(1);
        _bytes[Length++] = value;
    }

    public void Append(ReadOnlySpan<byte> bytes)
    {
        Ensure(bytes.Length);
        bytes.CopyTo(_bytes.AsSpan(Length));
        Length += bytes.Length;
    }

    public void AppendDecimal(uint value)
    {
        Ensure(10);
        Utf8Formatter.TryFormat(value, _bytes.AsSpan(Length), out var written);
        Length += written;
    }

    /// <summary>Lower-case hex, as <see cref="Convert.ToHexStringLower(ReadOnlySpan{byte})"/> writes it.</summary>
    public void AppendHexLower(ReadOnlySpan<byte> bytes)
    {
        Ensure(bytes.Length * 2);
        var at = Length;
        foreach (var b in bytes)
        {
            _bytes[at++] = (byte)"0123456789abcdef"[b >> 4];
            _bytes[at++] = (byte)"0123456789abcdef"[b & 0xF];
        }

        Length = at;
    }

    /// <summary>A dotted quad, as <see cref="System.Net.IPAddress.ToString"/> writes an IPv4 address.</summary>
    public void AppendIpv4(ReadOnlySpan<byte> address)
    {
        for (var i = 0; i < 4; i++)
        {
            if (i > 0)
            {
                Append((byte)'.');
            }

            AppendDecimal(address[i]);
        }
    }

    /// <summary>An IPv6 address in RFC 5952 form, exactly as <see cref="System.Net.IPAddress.ToString"/> writes it.</summary>
    public void AppendIpv6(ReadOnlySpan<byte> address)
    {
        const int MaxIpv6Text = 45; // "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255"
        Ensure(MaxIpv6Text);
        new System.Net.IPAddress(address).TryFormat(_bytes.AsSpan(Length), out int written);
        Length += written;
    }

    /// <summary>Bytes as <see cref="System.Text.Encoding.ASCII"/> decodes them, in UTF-8: bytes above 0x7F become '?'.</summary>
    public void AppendAscii(ReadOnlySpan<byte> bytes)
    {
        Ensure(bytes.Length);
        var at = Length;
        foreach (var b in bytes)
        {
            _bytes[at++] = b < 0x80 ? b : (byte)'?';
        }

        Length = at;
    }

    public byte[] ToArray() => Written.ToArray();

    private void Ensure(int more)
    {
        if (Length + more > _bytes.Length)
        {
            Array.Resize(ref _bytes, Math.Max(_bytes.Length * 2, Length + more));
        }
    }
}
