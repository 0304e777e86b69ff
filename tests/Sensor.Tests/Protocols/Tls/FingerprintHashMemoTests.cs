using System.Security.Cryptography;
using Sensor.Protocols.Tls;
using Sensor.Protocols.Tls.Fingerprints;
using Sensor.Tests.TestSupport;

namespace Sensor.Tests.Protocols.Tls;

/// <summary>
/// JA4 hashes are remembered per input (FingerprintHashMemo): more distinct client stacks than the memo has slots,
/// visited in a shuffled order, must still give every hello its own digest, computed here with the BCL (JA3's MD5 is
/// checked on the same hellos).
/// </summary>
public sealed class FingerprintHashMemoTests
{
    [Fact]
    public void ManyDistinctHellos_InShuffledRepeats_EachGetTheirOwnDigests()
    {
        var random = new Random(20261124);
        var hellos = Enumerable.Range(0, 700).Select(_ => RandomHello(random)).ToList();
        var order = Enumerable.Range(0, 3).SelectMany(_ => Enumerable.Range(0, hellos.Count)).OrderBy(_ => random.Next()).ToList();

        foreach (var index in order)
        {
            var (body, ciphers) = hellos[index];
            var ja4 = TlsBytes.Ja4(body);
            var expectedCipherHash = Ja4Tests.Sha12(string.Join(',', ciphers.Order().Select(c => c.ToString("x4", System.Globalization.CultureInfo.InvariantCulture))));
            Assert.Equal(expectedCipherHash, ja4.Split('_')[1]);

            var info = default(ClientHelloInfo);
            Assert.Equal(Sensor.Core.Parsing.ParseStatus.Done, ClientHelloReader.Read(body, ref info));
            var text = new byte[Ja3.MaxTextLength(body.Length)];
            var hash = new char[32];
            var length = Ja3.WriteClient(body, info, text, hash);
#pragma warning disable CA5351 // JA3 is defined over MD5: the oracle for an identifier, not a security use
            Assert.Equal(Convert.ToHexStringLower(MD5.HashData(text.AsSpan(0, length))), new string(hash));
#pragma warning restore CA5351
        }
    }

    [Fact]
    public void CipherPart_SameSuitesInOtherOrdersOrWithGrease_SameDigestAsTheSortedList()
    {
        // The cipher memo is keyed by the offered order: each order is its own entry, and all must hash the sorted list.
        ushort[] suites = [0x1301, 0xc02b, 0x1303, 0x009c, 0xc030, 0x1302];
        var expected = Ja4Tests.Sha12(string.Join(',', suites.Order().Select(c => c.ToString("x4", System.Globalization.CultureInfo.InvariantCulture))));
        ushort[][] offers = [suites, [.. suites.Reverse()], [0x0a0a, .. suites], [.. suites, 0xfafa], [0x2a2a, .. suites.Reverse()], suites];
        foreach (var offer in offers)
        {
            var hello = new ClientHelloBuilder { Ciphers = [.. offer] };
            hello.Extension(0x0000, ClientHelloBuilder.Sni("example.com"));
            Assert.Equal(expected, TlsBytes.Ja4(hello.Body()).Split('_')[1]);
        }

        // One suite fewer: a different list, never the remembered digest.
        var fewer = new ClientHelloBuilder { Ciphers = [.. suites[..^1]] };
        fewer.Extension(0x0000, ClientHelloBuilder.Sni("example.com"));
        Assert.NotEqual(expected, TlsBytes.Ja4(fewer.Body()).Split('_')[1]);
    }

    private static (byte[] Body, List<ushort> Ciphers) RandomHello(Random random)
    {
        // Non-GREASE cipher values (JA4 drops GREASE), 1..40 of them, so inputs of every length up to the memo's limit.
        var ciphers = Enumerable.Range(0, random.Next(1, 41)).Select(_ => (ushort)random.Next(0x0001, 0x0a0a)).Distinct().ToList();
        var hello = new ClientHelloBuilder { Ciphers = ciphers };
        hello.Extension(0x0000, ClientHelloBuilder.Sni("example.com"));
        hello.Extension(0x002b, ClientHelloBuilder.Versions(0x0304, 0x0303));
        return (hello.Body(), ciphers);
    }
}
