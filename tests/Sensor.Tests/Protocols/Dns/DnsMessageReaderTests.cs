using System.Text;
using Sensor.Protocols.Dns;
using Sensor.Tests.TestSupport;

namespace Sensor.Tests.Protocols.Dns;

public sealed class DnsMessageReaderTests
{
    [Fact]
    public void Query_HeaderAndQuestion()
    {
        Assert.Equal(DnsStatus.Ok, DnsMessageReader.Read(DnsVectors.s_queryA, out var message));

        Assert.Equal(0x1234, message!.Id);
        Assert.False(message.IsResponse);
        Assert.True(message.RecursionDesired);
        var question = Assert.Single(message.Questions.ToArray());
        Assert.Equal(("api.anthropic.com", DnsRecordTypes.A, (ushort)1), (question.Name, question.Type, question.Class));
        Assert.Empty(message.Answers.ToArray());
    }

    [Fact]
    public void CompressedCnameAndA_AreFollowed()
    {
        Assert.Equal(DnsStatus.Ok, DnsMessageReader.Read(DnsVectors.s_responseCnameA, out var message));

        Assert.True(message!.IsResponse);
        Assert.True(message.RecursionAvailable);
        Assert.Equal(0, message.Rcode);
        Assert.Collection(
            message.Answers.ToArray(),
            cname =>
            {
                Assert.Equal(("api.anthropic.com", DnsRecordTypes.Cname, 300u, "edge.anthropic.com"), (cname.Name, cname.Type, cname.Ttl, cname.Data));
                Assert.True(cname.Address.IsEmpty);
            },
            a =>
            {
                Assert.Equal(("edge.anthropic.com", DnsRecordTypes.A, 60u, "127.10.1.33"), (a.Name, a.Type, a.Ttl, a.Data));
                Assert.Equal([127, 10, 1, 33], a.Address.ToArray());
            });
    }

    [Fact]
    public void HttpsRecord_IsInRfc9460PresentationForm()
    {
        Assert.Equal(DnsStatus.Ok, DnsMessageReader.Read(DnsVectors.s_responseHttps, out var message));

        var https = Assert.Single(message!.Answers.ToArray());
        Assert.Equal(DnsRecordTypes.Https, https.Type);
        Assert.Equal(DnsVectors.HttpsRdata, https.Data);
    }

    [Fact]
    public void MxTxtAndSvcb_HaveTheirPresentationForms()
    {
        Assert.Equal(DnsStatus.Ok, DnsMessageReader.Read(DnsVectors.s_responseMxTxtSvcb, out var message));

        Assert.True(message!.Authoritative);
        Assert.Equal(["10 mx.example.org", "v=spf1 -all?", "0 svc.example.org"], message.Answers.ToArray().Select(a => a.Data));
        Assert.Equal(["MX", "TXT", "SVCB"], message.Answers.ToArray().Select(a => DnsRecordTypes.Name(a.Type)));
        Assert.Equal("ANY", DnsRecordTypes.Name(message.Questions[0].Type));
    }

    [Fact]
    public void Nxdomain_HasItsRcode_AndNoAnswers()
    {
        Assert.Equal(DnsStatus.Ok, DnsMessageReader.Read(DnsVectors.s_responseNxdomain, out var message));
        Assert.Equal("NXDOMAIN", DnsRecordTypes.RcodeName(message!.Rcode));
        Assert.Equal("AAAA", DnsRecordTypes.Name(message.Questions[0].Type));
        Assert.True(message.Answers.IsEmpty);
    }

    [Fact]
    public void UnknownType_IsHex_CutAt64Bytes()
    {
        byte[] message = [.. DnsVectors.Header(1, 1), .. DnsVectors.Labels(1), 0x00, 0x63, 0x00, 0x01,
            0xC0, 0x0C, 0x00, 0x63, 0x00, 0x01, 0, 0, 0, 1, 0x00, 0x50, .. Enumerable.Range(0, 80).Select(i => (byte)i)];

        Assert.Equal(DnsStatus.Ok, DnsMessageReader.Read(message, out var result));
        Assert.Equal(Convert.ToHexStringLower([.. Enumerable.Range(0, 64).Select(i => (byte)i)]), result!.Answers[0].Data);
        Assert.Equal("TYPE99", DnsRecordTypes.Name(99));
    }

    [Fact]
    public void NonPrintableLabelBytes_AreEscapedAsDecimal()
    {
        byte[] name = [0x03, (byte)'a', (byte)'.', 0x07, 0x00];
        Assert.Equal(DnsStatus.Ok, DnsMessageReader.Read(DnsVectors.Question(name), out var message));
        Assert.Equal("a\\046\\007", message!.Questions[0].Name);
    }

    // ---- anomalies: one vector per DnsStatus ----

    [Fact]
    public void PointerToItself_IsPointerLoop()
    {
        Assert.Equal(DnsStatus.PointerLoop, DnsMessageReader.Read(DnsVectors.Question([0xC0, 0x0C]), out _));
    }

    [Fact]
    public void LabelThenPointerBackToItsStart_IsPointerLoop()
    {
        // 0x0c: "a" then a pointer to 0x0c: an endless a.a.a.a... The pointer is backwards, but into the name being read.
        Assert.Equal(DnsStatus.PointerLoop, DnsMessageReader.Read(DnsVectors.Question([0x01, (byte)'a', 0xC0, 0x0C]), out _));
    }

    [Fact]
    public void TwoPointersAtEachOther_IsPointerLoop()
    {
        // Answer name at 0x1a points to 0x1c, which points back to 0x1a.
        byte[] message = [.. DnsVectors.Header(1, 1), .. DnsVectors.Labels(3, 4), 0x00, 0x01, 0x00, 0x01, 0xC0, 0x1C, 0xC0, 0x1A, 0, 1, 0, 1, 0, 0, 0, 1, 0, 0];
        Assert.Equal(0x1A, DnsMessageReader.HeaderLength + DnsVectors.Labels(3, 4).Length + 4);
        Assert.Equal(DnsStatus.PointerLoop, DnsMessageReader.Read(message, out _));
    }

    [Fact]
    public void ForwardPointer_IsPointerLoop()
    {
        byte[] message = [.. DnsVectors.Header(1, 0), 0xC0, 0x12, 0x00, 0x01, 0x00, 0x01, 0x01, (byte)'a', 0x00];
        Assert.Equal(DnsStatus.PointerLoop, DnsMessageReader.Read(message, out _));
    }

    [Fact]
    public void NameOf255Octets_IsAccepted()
    {
        var name = DnsVectors.Labels(63, 63, 63, 61); // 64 + 64 + 64 + 62 + root = 255 octets
        Assert.Equal(255, name.Length);
        Assert.Equal(DnsStatus.Ok, DnsMessageReader.Read(DnsVectors.Question(name), out var message));
        Assert.Equal(253, message!.Questions[0].Name.Length);
    }

    [Fact]
    public void NameOf256Octets_IsNameTooLong()
    {
        var name = DnsVectors.Labels(63, 63, 63, 62);
        Assert.Equal(256, name.Length);
        Assert.Equal(DnsStatus.NameTooLong, DnsMessageReader.Read(DnsVectors.Question(name), out _));
    }

    [Fact]
    public void NameTooLongThroughCompression_IsNameTooLong()
    {
        // The question name is 191 octets; the answer's owner adds "x" and a 63-byte label before pointing at it: 257.
        var question = DnsVectors.Labels(63, 63, 61);
        byte[] owner = [0x01, (byte)'x', 0x3F, .. Enumerable.Repeat((byte)'b', 63), 0xC0, 0x0C];
        byte[] message = [.. DnsVectors.Header(1, 1), .. question, 0, 1, 0, 1, .. owner, 0, 1, 0, 1, 0, 0, 0, 1, 0, 4, 1, 2, 3, 4];
        Assert.Equal(DnsStatus.NameTooLong, DnsMessageReader.Read(message, out _));
    }

    [Theory]
    [InlineData(0x40)]
    [InlineData(0x80)]
    public void ExtendedLabelTypes_AreBadLabel(byte type)
    {
        Assert.Equal(DnsStatus.BadLabel, DnsMessageReader.Read(DnsVectors.Question([type, 0x00]), out _));
    }

    [Fact]
    public void RecordDataPastTheEnd_IsTruncated()
    {
        var message = (byte[])DnsVectors.s_responseCnameA.Clone();
        message[^5] = 0x05; // the A record's RDLENGTH: 5, with 4 bytes left
        Assert.Equal(DnsStatus.Truncated, DnsMessageReader.Read(message, out var partial));
        Assert.Equal(1, partial!.Answers.Length); // what was read before the cut is kept
    }

    [Fact]
    public void MissingAnswer_IsTruncated()
    {
        Assert.Equal(DnsStatus.Truncated, DnsMessageReader.Read(DnsVectors.s_responseCnameA.AsSpan(0, 0x36), out _));
    }

    [Fact]
    public void ShortHeader_IsTruncated()
    {
        Assert.Equal(DnsStatus.Truncated, DnsMessageReader.Read(new byte[11], out var message));
        Assert.Null(message);
    }

    [Fact]
    public void SvcbParameterPastItsRecord_IsTruncated()
    {
        var message = (byte[])DnsVectors.s_responseHttps.Clone();
        var alpnLength = Array.IndexOf(message, (byte)0x06, 0x2D); // alpn value length 6 -> 60
        message[alpnLength] = 0x3C;
        Assert.Equal(DnsStatus.Truncated, DnsMessageReader.Read(message, out _));
    }

    // ---- the four properties ----

    /// <summary>Property (a): every strict prefix of a valid message is Truncated, never Ok and never an exception.</summary>
    [Fact]
    public void EveryStrictPrefix_IsTruncated()
    {
        foreach (var (name, message) in DnsVectors.Valid)
        {
            Assert.Equal(DnsStatus.Ok, DnsMessageReader.Read(message, out _));
            for (var length = 0; length < message.Length; length++)
            {
                var status = DnsMessageReader.Read(message.AsSpan(0, length), out _);
                Assert.True(status == DnsStatus.Truncated, $"{name} prefix {length}: {status}");
            }
        }
    }

    /// <summary>
    /// Property (a) on real traffic: every DNS payload of j_dns.pcap reads whole, and every prefix gives a status; a
    /// prefix that cuts the header, question or answer sections is never Ok. The reader does not read the authority and
    /// additional sections (events carry questions and answers), so a cut inside dig's trailing EDNS OPT record still
    /// reads Ok: those prefixes are only required not to throw.
    /// </summary>
    [Fact]
    public void CaptureMessages_ReadWhole_AndTheirPrefixesGiveAStatus()
    {
        var payloads = CaptureStreams.Udp(SharedInputs.Pcap("j_dns.pcap")).Select(d => d.Payload).ToList();
        Assert.True(payloads.Count > 20);
        var types = new HashSet<string>();
        foreach (var payload in payloads)
        {
            Assert.Equal(DnsStatus.Ok, DnsMessageReader.Read(payload, out var message));
            types.Add(DnsRecordTypes.Name(message!.Questions[0].Type));
            var answersEnd = message.AuthorityCount == 0 && message.AdditionalCount == 0 ? payload.Length : OptRecordStart(payload, message);
            for (var length = 0; length < payload.Length; length++)
            {
                var status = DnsMessageReader.Read(payload.AsSpan(0, length), out _);
                Assert.True(Enum.IsDefined(status));
                Assert.False(length < answersEnd && status == DnsStatus.Ok, $"prefix {length} of a {payload.Length}-byte message read Ok");
            }
        }

        Assert.Superset(new HashSet<string> { "A", "AAAA", "HTTPS", "TXT" }, types);
    }

    /// <summary>Where the one additional record, an OPT pseudo-RR at the end (root name, TYPE 41, ..., RDLENGTH, RDATA), starts.</summary>
    private static int OptRecordStart(byte[] payload, DnsMessage message)
    {
        Assert.Equal((0, 1), (message.AuthorityCount, message.AdditionalCount));
        var start = payload.AsSpan().LastIndexOf([(byte)0x00, (byte)0x00, (byte)0x29]);
        Assert.True(start > 0 && start + 11 + ((payload[start + 9] << 8) | payload[start + 10]) == payload.Length, "the additional record is one OPT at the end");
        return start;
    }

    /// <summary>Property (d): truncation plus random garbage, and random byte flips, give a status and never an exception.</summary>
    [Fact]
    public void TruncationWithGarbage_AndMutations_NeverThrow()
    {
        var random = new Random(53);
        var messages = DnsVectors.Valid.Select(v => v.Message).ToArray();
        for (var i = 0; i < 2000; i++)
        {
            var source = messages[i % messages.Length];
            var input = i % 2 == 0
                ? Segments.TruncateWithGarbage(source, random, random.Next(source.Length + 1), random.Next(0, 48))
                : Segments.Mutate(source, random, random.Next(1, 5));
            Assert.True(Enum.IsDefined(DnsMessageReader.Read(input, out _)));
        }
    }

    [Fact]
    public void NameReader_ReportsWhereTheNameEnds_AtThePointerNotItsTarget()
    {
        var text = new DnsText();
        Assert.Equal(DnsStatus.Ok, DnsNameReader.Read(DnsVectors.s_responseCnameA, 0x36, text, out var next));
        Assert.Equal("edge.anthropic.com", Encoding.UTF8.GetString(text.Written));
        Assert.Equal(0x38, next);
    }
}
