using Sensor.Core.Buffers;
using Sensor.Protocols.Quic;
using Sensor.Protocols.Tls;

namespace Sensor.Sessions.Quic;

/// <summary>
/// The Initial CRYPTO stream, reassembled by offset: clients split the ClientHello over frames and packets
/// and may send the pieces out of order. Holds at most one handshake message.
/// </summary>
internal sealed class CryptoStreamBuffer : IQuicCryptoHandler
{
    private readonly byte[] _data = new byte[TlsConstants.MaxHandshakeMessage + 4];
    private readonly CoveredRanges _covered = new();

    public bool Overflow { get; private set; }

    /// <summary>Bytes available from offset 0 without a hole.</summary>
    public int Contiguous => _covered.ContiguousFromZero;

    public ReadOnlySpan<byte> Prefix => _data.AsSpan(0, Contiguous);

    public void OnCrypto(ulong offset, ReadOnlySpan<byte> data)
    {
        if (offset + (ulong)data.Length > (ulong)_data.Length)
        {
            Overflow = true;
            return;
        }

        var start = (int)offset;
        data.CopyTo(_data.AsSpan(start));
        _covered.Add(start, start + data.Length);
    }
}
