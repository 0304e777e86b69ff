using BenchmarkDotNet.Attributes;
using Sensor.Core.Parsing;
using Sensor.Decode;
using Sensor.Decode.Link;
using Sensor.Protocols.Tls;
using Sensor.Protocols.Tls.Fingerprints;

namespace Sensor.Benchmarks.Protocols.Tls;

/// <summary>
/// One ClientHello of all.pcap (the Node SDK's, 59 ciphers): parse, then JA4, then JA3 into caller buffers.
/// Budget on valid input: 0 B (issue "fingerprints" benchmarks).
/// </summary>
public class ClientHelloBenchmarks
{
    private byte[] _body = [];
    private readonly byte[] _ja3Text = new byte[8192];
    private readonly char[] _ja4 = new char[Ja4.Length];
    private readonly char[] _ja3Hash = new char[Ja3.HashLength];

    [GlobalSetup]
    public void Setup() => _body = FirstClientHelloBody();

    [Benchmark(Baseline = true)]
    public int Parse()
    {
        var info = default(ClientHelloInfo);
        return ClientHelloReader.Read(_body, ref info) == ParseStatus.Done ? info.ExtensionCount : -1;
    }

    [Benchmark]
    public char ParseAndJa4()
    {
        var info = default(ClientHelloInfo);
        ClientHelloReader.Read(_body, ref info);
        Ja4.Write(_body, info, 't', _ja4);
        return _ja4[35];
    }

    [Benchmark]
    public int ParseJa4AndJa3()
    {
        var info = default(ClientHelloInfo);
        ClientHelloReader.Read(_body, ref info);
        Ja4.Write(_body, info, 't', _ja4);
        return Ja3.WriteClient(_body, info, _ja3Text, _ja3Hash);
    }

    /// <summary>The handshake body of the first TCP segment that carries a whole ClientHello record.</summary>
    private static byte[] FirstClientHelloBody()
    {
        var packet = default(DecodedPacket);
        foreach (var frame in BenchmarkData.Frames)
        {
            var data = frame.Data.Span;
            if (PacketDecoder.Decode(LinkType.Ethernet, data, ref packet) != DecodeStatus.Ok || !packet.IsTcp || packet.PayloadLength < 9)
            {
                continue;
            }

            var payload = data.Slice(packet.PayloadOffset, packet.PayloadLength);
            var record = TlsRecordReader.TryRead(payload, out var type, out _);
            if (record.Status == ParseStatus.Done && type == TlsConstants.ContentHandshake && payload[5] == TlsConstants.ClientHello)
            {
                var length = (payload[6] << 16) | (payload[7] << 8) | payload[8];
                if (9 + length <= record.Consumed)
                {
                    return payload.Slice(9, length).ToArray();
                }
            }
        }

        throw new InvalidOperationException("no single-segment ClientHello in all.pcap");
    }
}
