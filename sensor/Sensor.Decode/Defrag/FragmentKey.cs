namespace Sensor.Decode.Defrag;

/// <summary>A datagram under reassembly: RFC 791 (src, dst, protocol, id); IPv6 (src, dst, id).</summary>
internal readonly record struct FragmentKey(UInt128 Source, UInt128 Destination, uint Id, byte Protocol, ushort VlanId);
