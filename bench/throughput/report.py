#!/usr/bin/env python3
"""Turns run.sh's results.tsv (tool, rep, wall s, max RSS KiB, user s, sys s, load) into a markdown table of medians."""
import argparse
import json
import platform
import re
import statistics
import sys
from datetime import datetime, timezone

TOOLS = ("sensor", "sensor-spine", "ndpiReader", "tcpdump")


def packets_seen(sensor_log, ndpi_log):
    """The packet counts both analysers report, to prove they read the whole file."""
    with open(sensor_log) as f:
        sensor = re.search(r"; ([\d,]+) packets", f.read())
    with open(ndpi_log) as f:
        ndpi = re.search(r"IP packets:\s+(\d+)\s+of\s+(\d+)", f.read())
    return (int(sensor.group(1).replace(",", "")) if sensor else None,
            int(ndpi.group(2)) if ndpi else None)


def main():
    p = argparse.ArgumentParser()
    for name in ("--meta", "--results", "--sensor-log", "--ndpi-log", "--core"):
        p.add_argument(name, required=True)
    a = p.parse_args()
    with open(a.meta) as f:
        meta = json.load(f)
    runs = {t: [] for t in TOOLS}
    with open(a.results) as f:
        for line in f:
            tool, _, wall, rss, user, system, load = line.split("\t")
            runs[tool].append((float(wall), int(rss), float(user) + float(system), float(load)))

    sensor_packets, ndpi_packets = packets_seen(a.sensor_log, a.ndpi_log)
    for name, seen in (("sensor", sensor_packets), ("ndpiReader", ndpi_packets)):
        if seen != meta["packets"]:
            sys.exit(f"{name} reported {seen} packets, the capture has {meta['packets']}")

    bits, packets = meta["frame_bytes"] * 8, meta["packets"]
    walls = {t: statistics.median(r[0] for r in runs[t]) for t in TOOLS}
    loads = [r[3] for t in TOOLS for r in runs[t]]
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
    print(f"Capture: {meta['file_bytes'] / 2**30:.2f} GiB, {packets:,} packets ({meta['copies']} copies of "
          f"{len(meta['inputs'])} pcaps), {meta['frame_bytes'] / 2**30:.2f} GiB of frames. "
          f"{datetime.now(timezone.utc):%Y-%m-%d} on {cpu}, {platform.system()} {platform.release()}, "
          f"pinned to core {a.core}, file in page cache; median of {len(runs['sensor'])} runs; "
          f"1-min load average after each run {min(loads):.2f} to {max(loads):.2f}.\n")
    print("| tool | command | wall s | CPU s | Gbit/s | Mpkt/s | Gbit/s per CPU s | peak RSS MiB | speed vs ndpiReader |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    commands = {"sensor": "sensor analyze FILE -o /dev/null --quiet", "sensor-spine": "sensor analyze FILE -o /dev/null --quiet --spine-only", "ndpiReader": "ndpiReader -i FILE",
                "tcpdump": "tcpdump -nn -q -r FILE > /dev/null"}
    for t in TOOLS:
        wall = walls[t]
        rss = statistics.median(r[1] for r in runs[t]) / 1024
        cpu_s = statistics.median(r[2] for r in runs[t])
        print(f"| {t} | `{commands[t]}` | {wall:.2f} | {cpu_s:.2f} | {bits / wall / 1e9:.2f} | {packets / wall / 1e6:.2f} "
              f"| {bits / cpu_s / 1e9:.2f} "
              f"| {rss:.0f} | {walls['ndpiReader'] / wall:.2f}x |")
    print("\nGbit/s and Mpkt/s are per wall second and count frame bytes (no pcap record headers); CPU s is user+system of all the tool's threads (all pinned to the one core)."
          " All runs (wall s):", "; ".join(f"{t} " + " ".join(f"{r[0]:.2f}" for r in runs[t]) for t in TOOLS))


if __name__ == "__main__":
    main()
