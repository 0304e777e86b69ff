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
    private readonly List<(int Start, int End)> _covered = [];

    public bool Overflow { get; private set; }

    /// <summary>Bytes available from offset 0 without a hole.</summary>
    public int Contiguous => _covered.Count > 0 && _covered[0].Start == 0 ? _covered[0].End : 0;

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
        var merged = (Start: start, End: start + data.Length);
        for (var i = _covered.Count - 1; i >= 0; i--)
        {
            var c = _covered[i];
            if (c.End >= merged.Start && c.Start <= merged.End)
            {
                merged = (Math.Min(c.Start, merged.Start), Math.Max(c.End, merged.End));
                _covered.RemoveAt(i);
            }
        }

        var at = 0;
        while (at < _covered.Count && _covered[at].Start < merged.Start)
        {
            at++;
        }

        _covered.Insert(at, merged);
    }
}
