using Sensor.Core.Diagnostics;
using Sensor.Decode;
using Sensor.Decode.Defrag;
using Sensor.Decode.Link;
using Sensor.Tests.TestSupport;

namespace Sensor.Tests.Decode.Defrag;

public class IpDefragmenterTests
{
    /// <summary>The UDP datagram that gets fragmented: header plus 1000 bytes of data.</summary>
    private static readonly byte[] s_datagram = Frames.Udp(5000, 6000, Frames.Payload(1000, 11));

    private sealed record Outcome(DefragStatus Status, byte[]? Datagram, AnomalyKind? Anomaly);

    private static byte[] Ipv4Fragment(int offset, byte[] data, bool more, ushort id = 0x4242, byte protocol = IpProtocol.Udp, string source = "10.0.0.1") =>
        Frames.Ethernet(Frames.EtherTypeIpv4, Frames.Ipv4(source, "10.0.0.2", protocol, data, id: id, moreFragments: more, fragmentOffset: offset));

    private static byte[] Ipv6Fragment(int offset, byte[] data, bool more, uint id = 0x01020304) =>
        Frames.Ethernet(Frames.EtherTypeIpv6, Frames.Ipv6("2001:db8::1", "2001:db8::2", IpProtocol.Ipv6Fragment, Frames.Concat(Frames.FragmentHeader(IpProtocol.Udp, offset, more, id), data)));

    /// <summary>Cuts <paramref name="payload"/> into fragments of <paramref name="size"/> bytes (a multiple of 8).</summary>
    private static List<byte[]> Split(byte[] payload, int size, bool ipv6 = false, ushort id = 0x4242)
    {
        var fragments = new List<byte[]>();
        for (var offset = 0; offset < payload.Length; offset += size)
        {
            var end = Math.Min(offset + size, payload.Length);
            var data = payload[offset..end];
            fragments.Add(ipv6 ? Ipv6Fragment(offset, data, end < payload.Length, id) : Ipv4Fragment(offset, data, end < payload.Length, id));
        }

        return fragments;
    }

    private static Outcome Feed(IpDefragmenter defragmenter, byte[] frame, long now = 0)
    {
        DecodedPacket packet = default;
        Assert.Equal(DecodeStatus.Fragment, PacketDecoder.Decode(LinkType.Ethernet, frame, ref packet));
        var status = defragmenter.Add(packet, frame.AsSpan(packet.FragmentDataOffset, packet.FragmentDataLength), now, out var datagram, out var anomaly);
        return new Outcome(status, status == DefragStatus.Complete ? datagram.ToArray() : null, anomaly);
    }

    private static List<Outcome> FeedAll(IpDefragmenter defragmenter, IEnumerable<byte[]> frames) => frames.Select(f => Feed(defragmenter, f)).ToList();

    public static TheoryData<bool> IpVersions => [false, true];

    [Theory]
    [MemberData(nameof(IpVersions))]
    public void Add_InOrder_CompletesOnLastWithWholeDatagram(bool ipv6)
    {
        var defragmenter = new IpDefragmenter(new DefragLimits());

        var outcomes = FeedAll(defragmenter, Split(s_datagram, 256, ipv6));

        Assert.Equal([DefragStatus.Pending, DefragStatus.Pending, DefragStatus.Pending, DefragStatus.Complete], outcomes.Select(o => o.Status));
        Assert.Equal(s_datagram, outcomes[^1].Datagram);
        Assert.All(outcomes, o => Assert.Null(o.Anomaly));
        Assert.Equal(0, defragmenter.TrackerCount);
        Assert.Equal(0, defragmenter.MemoryBytes);
    }

    [Theory]
    [MemberData(nameof(IpVersions))]
    public void Add_Reversed_CompletesOnFirstFragment(bool ipv6)
    {
        var defragmenter = new IpDefragmenter(new DefragLimits());
        var fragments = Split(s_datagram, 128, ipv6);
        fragments.Reverse();

        var outcomes = FeedAll(defragmenter, fragments);

        Assert.All(outcomes[..^1], o => Assert.Equal(DefragStatus.Pending, o.Status));
        Assert.Equal(DefragStatus.Complete, outcomes[^1].Status);
        Assert.Equal(s_datagram, outcomes[^1].Datagram);
    }

    [Theory]
    [MemberData(nameof(IpVersions))]
    public void Add_EveryFragmentTwice_CompletesOnceWithoutAnomaly(bool ipv6)
    {
        var defragmenter = new IpDefragmenter(new DefragLimits());
        var fragments = Split(s_datagram, 200, ipv6);
        var last = fragments[^1];
        var doubled = fragments[..^1].SelectMany(f => new[] { f, f }).Append(last).ToList();

        var outcomes = FeedAll(defragmenter, doubled);

        Assert.Single(outcomes, o => o.Status == DefragStatus.Complete);
        Assert.Equal(DefragStatus.Complete, outcomes[^1].Status);
        Assert.Equal(s_datagram, outcomes[^1].Datagram);
        Assert.All(outcomes, o => Assert.Null(o.Anomaly));
    }

    [Theory]
    [MemberData(nameof(IpVersions))]
    public void Add_ShuffledWithOverlapsOfSameData_CompletesWithoutAnomaly(bool ipv6)
    {
        // Windows of 64 bytes every 40: each overlaps its neighbours by 24 identical bytes.
        var frames = new List<byte[]>();
        for (var offset = 0; offset < s_datagram.Length; offset += 40)
        {
            var end = Math.Min(offset + 64, s_datagram.Length);
            var data = s_datagram[offset..end];
            var more = end < s_datagram.Length;
            frames.Add(ipv6 ? Ipv6Fragment(offset, data, more) : Ipv4Fragment(offset, data, more));
        }

        var random = new Random(3);
        var shuffled = frames.OrderBy(_ => random.Next()).ToList();
        var defragmenter = new IpDefragmenter(new DefragLimits());

        var outcomes = FeedAll(defragmenter, shuffled);

        var complete = Assert.Single(outcomes, o => o.Status == DefragStatus.Complete);
        Assert.Same(complete, outcomes[^1]);
        Assert.Equal(s_datagram, complete.Datagram);
        Assert.All(outcomes, o => Assert.Null(o.Anomaly));
    }

    [Theory]
    [MemberData(nameof(IpVersions))]
    public void Add_OverlapWithDifferentData_AnomalyAndFirstDataWins(bool ipv6)
    {
        var first = Frames.Payload(48, 1);
        var evil = Frames.Payload(32, 2); // covers [16, 48) with different bytes
        var tail = Frames.Payload(16, 3);
        var defragmenter = new IpDefragmenter(new DefragLimits());
        byte[] Fragment(int offset, byte[] data, bool more) => ipv6 ? Ipv6Fragment(offset, data, more) : Ipv4Fragment(offset, data, more);

        var a = Feed(defragmenter, Fragment(0, first, true));
        var b = Feed(defragmenter, Fragment(16, evil, true));
        var c = Feed(defragmenter, Fragment(48, tail, false));

        Assert.Null(a.Anomaly);
        Assert.Equal(AnomalyKind.FragmentOverlapDifferentData, b.Anomaly);
        Assert.Equal(DefragStatus.Pending, b.Status);
        Assert.Equal(DefragStatus.Complete, c.Status);
        Assert.Equal(Frames.Concat(first, tail), c.Datagram);
    }

    [Fact]
    public void Add_LaterFragmentFillsHoleAndOverlapsBothSidesWithDifferentData_OnlyHoleTakesNewBytes()
    {
        var defragmenter = new IpDefragmenter(new DefragLimits());
        var left = Frames.Payload(16, 1);
        var right = Frames.Payload(16, 2);
        var middle = Frames.Payload(48, 3); // [8, 56): overlaps both, fills [16, 32)

        Feed(defragmenter, Ipv4Fragment(0, left, true));
        Feed(defragmenter, Ipv4Fragment(32, right, false));
        var outcome = Feed(defragmenter, Ipv4Fragment(8, middle, true));

        Assert.Equal(DefragStatus.Complete, outcome.Status);
        Assert.Equal(AnomalyKind.FragmentOverlapDifferentData, outcome.Anomaly);
        Assert.Equal(Frames.Concat(left, middle[8..24], right), outcome.Datagram);
    }

    [Fact]
    public void Add_InterleavedDatagrams_KeyedByIdProtocolAndAddresses()
    {
        var defragmenter = new IpDefragmenter(new DefragLimits());
        var one = Split(s_datagram, 512, id: 1);
        var two = Split(Frames.Payload(600, 8), 512, id: 2);
        var sameIdOtherSource = Ipv4Fragment(0, Frames.Payload(8), more: true, id: 1, source: "10.9.9.9");
        var sameIdOtherProtocol = Ipv4Fragment(0, Frames.Payload(8), more: true, id: 1, protocol: IpProtocol.Tcp);

        var outcomes = FeedAll(defragmenter, [one[0], two[0], sameIdOtherSource, sameIdOtherProtocol, two[1], one[1]]);

        Assert.Equal(DefragStatus.Complete, outcomes[4].Status);
        Assert.Equal(Frames.Payload(600, 8), outcomes[4].Datagram);
        Assert.Equal(DefragStatus.Complete, outcomes[5].Status);
        Assert.Equal(s_datagram, outcomes[5].Datagram);
        Assert.Equal(2, defragmenter.TrackerCount);
    }

    [Theory]
    [MemberData(nameof(IpVersions))]
    public void Add_DatagramOver65535Bytes_DroppedAsTooLarge(bool ipv6)
    {
        var defragmenter = new IpDefragmenter(new DefragLimits());
        var data = Frames.Payload(16);
        var frame = ipv6 ? Ipv6Fragment(65528, data, false) : Ipv4Fragment(65528, data, false);

        var outcome = Feed(defragmenter, frame);

        Assert.Equal(DefragStatus.Dropped, outcome.Status);
        Assert.Equal(AnomalyKind.FragmentTooLarge, outcome.Anomaly);
        Assert.Equal(0, defragmenter.TrackerCount);
        Assert.Equal(0, defragmenter.MemoryBytes);
    }

    [Fact]
    public void Add_EndingExactlyAt65535_Accepted()
    {
        var defragmenter = new IpDefragmenter(new DefragLimits());

        var outcome = Feed(defragmenter, Ipv4Fragment(65528, Frames.Payload(7), false));

        Assert.Equal(DefragStatus.Pending, outcome.Status);
        Assert.Null(outcome.Anomaly);
    }

    [Fact]
    public void Add_MoreDatagramsThanTrackers_DroppedAsTrackersFull()
    {
        var defragmenter = new IpDefragmenter(new DefragLimits { MaxTrackers = 2 });

        var outcomes = FeedAll(defragmenter, [.. Enumerable.Range(1, 3).Select(id => Ipv4Fragment(0, Frames.Payload(8), true, (ushort)id))]);

        Assert.Equal([DefragStatus.Pending, DefragStatus.Pending, DefragStatus.Dropped], outcomes.Select(o => o.Status));
        Assert.Equal(AnomalyKind.FragmentTrackersFull, outcomes[2].Anomaly);
        Assert.Equal(2, defragmenter.TrackerCount);

        // A fragment of a datagram already tracked still gets in.
        Assert.Equal(DefragStatus.Complete, Feed(defragmenter, Ipv4Fragment(8, Frames.Payload(8), false, 1)).Status);
    }

    [Fact]
    public void Add_NewTrackerPastMemcap_DroppedAsMemcap()
    {
        var defragmenter = new IpDefragmenter(new DefragLimits { MemoryCap = 4096 });

        var outcomes = FeedAll(defragmenter, [.. Enumerable.Range(1, 3).Select(id => Ipv4Fragment(0, Frames.Payload(8), true, (ushort)id))]);

        Assert.Equal([DefragStatus.Pending, DefragStatus.Pending, DefragStatus.Dropped], outcomes.Select(o => o.Status));
        Assert.Equal(AnomalyKind.FragmentMemcap, outcomes[2].Anomaly);
        Assert.Equal(4096, defragmenter.MemoryBytes);
    }

    [Fact]
    public void Add_FragmentsGrowingPastMemcap_DatagramDroppedAndMemoryNeverAboveCap()
    {
        const int cap = 10_000;
        var defragmenter = new IpDefragmenter(new DefragLimits { MemoryCap = cap });
        int[] offsets = [0, 3000, 8000, 9600];
        var outcomes = new List<Outcome>();
        foreach (var offset in offsets)
        {
            outcomes.Add(Feed(defragmenter, Ipv4Fragment(offset, Frames.Payload(1000), more: true)));
            Assert.True(defragmenter.MemoryBytes <= cap, $"after offset {offset}: {defragmenter.MemoryBytes} bytes held, cap {cap}");
        }

        Assert.Contains(outcomes, o => o.Status == DefragStatus.Dropped && o.Anomaly == AnomalyKind.FragmentMemcap);
    }

    [Fact]
    public void Add_ManyDatagramsUnderSmallMemcap_MemoryNeverAboveCap()
    {
        const int cap = 64 * 1024;
        var defragmenter = new IpDefragmenter(new DefragLimits { MemoryCap = cap });
        var random = new Random(5);
        for (var i = 0; i < 2000; i++)
        {
            var offset = random.Next(0, 60000 / 8) * 8;
            Feed(defragmenter, Ipv4Fragment(offset, Frames.Payload(8 * random.Next(1, 100)), more: true, id: (ushort)random.Next(50)));
            Assert.True(defragmenter.MemoryBytes <= cap, $"step {i}: {defragmenter.MemoryBytes} bytes held, cap {cap}");
        }
    }

    [Fact]
    public void Expire_AfterTimeout_DropsIncompleteDatagrams()
    {
        var defragmenter = new IpDefragmenter(new DefragLimits { TimeoutMicros = 1_000_000 });
        Feed(defragmenter, Ipv4Fragment(0, Frames.Payload(8), true, 1), now: 0);
        Feed(defragmenter, Ipv4Fragment(0, Frames.Payload(8), true, 2), now: 900_000);

        Assert.Equal(0, defragmenter.Expire(1_000_000));
        Assert.Equal(1, defragmenter.Expire(1_000_001));
        Assert.Equal(1, defragmenter.TrackerCount);
        Assert.Equal(1, defragmenter.Expire(2_000_000));
        Assert.Equal(0, defragmenter.TrackerCount);
        Assert.Equal(0, defragmenter.MemoryBytes);

        // The rest of an expired datagram starts a new, incomplete one.
        Assert.Equal(DefragStatus.Pending, Feed(defragmenter, Ipv4Fragment(8, Frames.Payload(8), false, 1), now: 2_000_000).Status);
    }

    [Fact]
    public void Clear_ReturnsIncompleteCountAndReleasesMemory()
    {
        var defragmenter = new IpDefragmenter(new DefragLimits());
        Feed(defragmenter, Ipv4Fragment(0, Frames.Payload(8), true, 1));
        Feed(defragmenter, Ipv6Fragment(0, Frames.Payload(8), true, 1));

        Assert.Equal(2, defragmenter.Clear());
        Assert.Equal(0, defragmenter.TrackerCount);
        Assert.Equal(0, defragmenter.MemoryBytes);
    }
}
