#!/usr/bin/env python3
"""Builds a large classic pcap by replicating the frames of small Ethernet captures.

The inputs are merged in time order into one template. Copy k of the template gets its own addresses
(so flows stay distinct per copy) and is shifted in time by k * (template span + 1 s), so older copies'
flows time out as in a long capture. Addresses stay in ranges that are never routed: IPv4 in the reserved
240.0.0.0/4, scattered over it (tcpdump caches address strings in a table hashed on the first 12 bits, so
addresses that differ only in their low octets make it quadratic), IPv6 in the documentation prefix 2001:db8::/32. IPv4 header and TCP/UDP checksums are updated incrementally
(RFC 1624), so a checksum that was right stays right (and a wrong one, e.g. offloaded on lo, stays wrong).
Writes OUT.tmp then renames it, plus OUT.json with packet and byte counts. Python 3 standard library only.
"""
import argparse
import ipaddress
import json
import os
import struct
import sys

PCAP_MAGICS = {b"\xd4\xc3\xb2\xa1": ("<", 1), b"\xa1\xb2\xc3\xd4": (">", 1),
               b"\x4d\x3c\xb2\xa1": ("<", 1000), b"\xa1\xb2\x3c\x4d": (">", 1000)}
LINKTYPE_ETHERNET = 1
V6_BASE = int(ipaddress.IPv6Address("2001:db8::"))
V4_BITS = 28  # 240.0.0.0/4


def v4_address(index):
    """Index 1.. to a distinct address of 240.0.0.0/4: odd multiplication is a bijection mod 2**28."""
    scattered = (index * 0x9E3779B1) & ((1 << V4_BITS) - 1)
    return 0xF0000000 | scattered if scattered != (1 << V4_BITS) - 1 else 0xF0000000  # never 255.255.255.255


def read_pcap(path):
    """Yields (timestamp in microseconds, frame bytes) of a classic pcap with Ethernet frames."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:4] not in PCAP_MAGICS:
        sys.exit(f"{path}: not a classic pcap file (pcapng is not supported here)")
    order, divisor = PCAP_MAGICS[data[:4]]
    if struct.unpack_from(order + "I", data, 20)[0] & 0xFFFF != LINKTYPE_ETHERNET:
        sys.exit(f"{path}: only Ethernet captures can be replicated")
    offset = 24
    while offset + 16 <= len(data):
        sec, frac, incl, _ = struct.unpack_from(order + "IIII", data, offset)
        yield sec * 1_000_000 + frac // divisor, data[offset + 16:offset + 16 + incl]
        offset += 16 + incl


def words_sum(raw):
    """One's complement sum of 16-bit big-endian words (len(raw) is even)."""
    total = sum(struct.unpack(f">{len(raw) // 2}H", raw))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return total


def adjust(checksum, old_sum, new_sum):
    """RFC 1624 eqn. 3: HC' = ~(~HC + ~m + m')."""
    total = (~checksum & 0xFFFF) + (~old_sum & 0xFFFF) + new_sum
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def locate(frame):
    """Returns (version, ip offset, l4 protocol, l4 offset or -1) for IPv4/IPv6 frames, else None."""
    offset, ethertype = 14, struct.unpack_from(">H", frame, 12)[0] if len(frame) >= 14 else 0
    while ethertype in (0x8100, 0x88A8) and len(frame) >= offset + 4:
        ethertype = struct.unpack_from(">H", frame, offset + 2)[0]
        offset += 4
    if ethertype == 0x0800 and len(frame) >= offset + 20:
        ihl = (frame[offset] & 0x0F) * 4
        fragment = struct.unpack_from(">H", frame, offset + 6)[0] & 0x1FFF
        return 4, offset, frame[offset + 9], offset + ihl if fragment == 0 else -1
    if ethertype == 0x86DD and len(frame) >= offset + 40:
        # Extension headers are not walked: their packets keep their checksum as is (not needed by the tools).
        return 6, offset, frame[offset + 6], offset + 40
    return None


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True)
    parser.add_argument("--size-bytes", type=int, required=True, help="minimum size of the output file")
    parser.add_argument("inputs", nargs="+")
    args = parser.parse_args()

    frames = sorted((f for path in args.inputs for f in read_pcap(path)), key=lambda f: f[0])
    if not frames:
        sys.exit("no frames in the inputs")
    start, span = frames[0][0], frames[-1][0] - frames[0][0]
    period = span + 1_000_000

    v4, v6 = {}, {}
    template = bytearray()
    # (record offset, ts, version, src index, dst index, old address sum, ip csum pos, l4 csum pos, l4 is udp, src pos)
    patches = []
    for ts, frame in frames:
        record = len(template)
        template += struct.pack("<IIII", 0, 0, len(frame), len(frame)) + frame
        where = locate(frame)
        if where is None:
            patches.append((record, ts - start, 0, 0, 0, 0, -1, -1, False, -1))
            continue
        version, ip, proto, l4 = where
        base = record + 16
        size = 4 if version == 4 else 16
        src_at = ip + (12 if version == 4 else 8)
        src, dst = frame[src_at:src_at + size], frame[src_at + size:src_at + 2 * size]
        table = v4 if version == 4 else v6
        si, di = table.setdefault(src, len(table)), table.setdefault(dst, len(table))
        ip_csum = base + ip + 10 if version == 4 else -1
        l4_csum, udp = -1, False
        if l4 >= 0 and proto == 6 and len(frame) >= l4 + 18:
            l4_csum = base + l4 + 16
        elif l4 >= 0 and proto == 17 and len(frame) >= l4 + 8:
            l4_csum, udp = base + l4 + 6, True
        patches.append((record, ts - start, version, si, di, words_sum(src + dst), ip_csum, l4_csum, udp, base + src_at))

    copies = -(-args.size_bytes // len(template))
    if 1 + copies * max(len(v4), 1) >= 1 << V4_BITS:
        sys.exit(f"{copies} copies of {len(v4)} IPv4 addresses do not fit in 240.0.0.0/4: ask for less")

    tmp = args.out + ".tmp"
    with open(tmp, "wb") as out:
        out.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 262144, LINKTYPE_ETHERNET))
        for k in range(copies):
            blob = bytearray(template)
            v4_base, v6_base = 1 + k * len(v4), V6_BASE + 1 + k * len(v6)
            for patch in patches:
                record, ts, version, si, di, old_sum, ip_csum, l4_csum, udp, src_pos = patch
                ts += start + k * period
                struct.pack_into("<II", blob, record, ts // 1_000_000, ts % 1_000_000)
                if version == 0:
                    continue
                if version == 4:
                    addresses = struct.pack(">II", v4_address(v4_base + si), v4_address(v4_base + di))
                else:
                    s, d = v6_base + si, v6_base + di
                    addresses = struct.pack(">QQQQ", s >> 64, s & (2**64 - 1), d >> 64, d & (2**64 - 1))
                blob[src_pos:src_pos + len(addresses)] = addresses
                new_sum = words_sum(addresses)
                for position in (ip_csum, l4_csum):
                    if position < 0:
                        continue
                    old = struct.unpack_from(">H", blob, position)[0]
                    if udp and position == l4_csum and old == 0:
                        continue  # UDP over IPv4 without a checksum
                    new = adjust(old, old_sum, new_sum)
                    struct.pack_into(">H", blob, position, 0xFFFF if udp and new == 0 else new)
            out.write(blob)
    os.replace(tmp, args.out)

    frame_bytes = sum(len(f) for _, f in frames) * copies
    meta = {"copies": copies, "packets": len(frames) * copies, "frame_bytes": frame_bytes,
            "file_bytes": os.path.getsize(args.out), "inputs": [os.path.basename(p) for p in args.inputs]}
    with open(args.out + ".json", "w") as f:
        json.dump(meta, f, indent=1)
    print(json.dumps(meta))


if __name__ == "__main__":
    main()
