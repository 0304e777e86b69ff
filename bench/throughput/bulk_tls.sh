#!/usr/bin/env bash
# The metadata stage's cost on bulk TLS, beside the handshake-dense replay of run.sh: a capture of long TLS downloads
# (no keys), then `sensor analyze` spine-only against metadata-only on it, interleaved, pinned to one core.
#
# The capture is made here, in a network namespace this script creates (loopback only, MTU 1500 and one segment per
# packet, so the sensor sees 1,448-byte segments as on a SPAN port): `openssl s_server -WWW` serves random bytes, curl
# downloads them with the SNI of an AI API host, tcpdump records. Needs root (ip netns). Every loop is bounded:
# DOWNLOADS <= 20, REPS <= 20, each step under a timeout.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
data=$here/.data
downloads=5 megabytes=200 reps=5 core=1 timeout_s=300 sensor=

usage() { echo "usage: $0 [--downloads 5] [--megabytes 200] [--reps 5] [--core 1] [--sensor PATH (default: publish the Appliance build)]" >&2; exit 2; }
while (($#)); do
  case $1 in
    --downloads) downloads=$2; shift 2 ;;
    --megabytes) megabytes=$2; shift 2 ;;
    --reps) reps=$2; shift 2 ;;
    --core) core=$2; shift 2 ;;
    --sensor) sensor=$2; shift 2 ;;
    *) usage ;;
  esac
done
[[ $downloads =~ ^[0-9]+$ ]] && ((downloads >= 1 && downloads <= 20)) || { echo "--downloads must be 1..20" >&2; exit 2; }
[[ $megabytes =~ ^[0-9]+$ ]] && ((megabytes >= 1 && megabytes <= 1000)) || { echo "--megabytes must be 1..1000" >&2; exit 2; }
[[ $reps =~ ^[0-9]+$ ]] && ((reps >= 1 && reps <= 20)) || { echo "--reps must be 1..20" >&2; exit 2; }
((EUID == 0)) || { echo "$0: needs root to create its network namespace" >&2; exit 1; }

source "$here/tools.sh"
need tcpdump tcpdump
need openssl openssl
need curl curl
need ip iproute2
need taskset util-linux
install_needed
command -v dotnet >/dev/null || { echo "dotnet SDK not found" >&2; exit 1; }

mkdir -p "$data"
capture=$data/bulk-tls-${downloads}x${megabytes}M.pcap
if [[ ! -s $capture || $0 -nt $capture ]]; then
  echo "capturing $downloads TLS downloads of $megabytes MB into $capture" >&2
  work=$(mktemp -d)
  ns=sensor-bulk-$$
  cleanup() { ip netns del "$ns" 2>/dev/null || true; rm -rf "$work"; }
  trap cleanup EXIT
  head -c "${megabytes}M" /dev/urandom >"$work/file.bin"
  timeout 60 openssl req -x509 -newkey rsa:2048 -nodes -keyout "$work/key.pem" -out "$work/cert.pem" -days 1 \
    -subj /CN=api.openai.com 2>/dev/null
  ip netns add "$ns"
  # One 1,500-byte segment per packet: no segmentation offload, so the capture holds what a SPAN port would.
  ip netns exec "$ns" ip link set lo mtu 1500 gso_max_size 1500 gso_max_segs 1 up
  ip netns exec "$ns" bash -c "
    cd '$work'
    timeout $((timeout_s * downloads)) tcpdump -i lo -s 0 -w '$capture.tmp' 'tcp port 8443' >/dev/null 2>&1 & dump=\$!
    timeout $((timeout_s * downloads)) openssl s_server -quiet -accept 8443 -cert cert.pem -key key.pem -WWW >/dev/null 2>&1 & server=\$!
    sleep 1
    for ((i = 0; i < $downloads; i++)); do
      timeout $timeout_s curl -sk --resolve api.openai.com:8443:127.0.0.1 https://api.openai.com:8443/file.bin -o /dev/null
    done
    sleep 1
    kill \$server \$dump; wait
  "
  mv "$capture.tmp" "$capture"
fi

if [[ -z $sensor ]]; then
  echo "publishing sensor (Appliance profile)" >&2
  rm -rf "$data/sensor"
  timeout 900 dotnet publish "$repo/sensor/Sensor.Host" -p:PublishProfile=Appliance -o "$data/sensor" --nologo -v q >/dev/null
  sensor=$data/sensor/sensor
fi
cat "$capture" >/dev/null # page cache

declare -A cpu
for ((rep = 1; rep <= reps; rep++)); do
  for mode in spine-only metadata-only; do
    timeout "$timeout_s" /usr/bin/time -o "$data/time.txt" -f '%U %S' taskset -c "$core" \
      "$sensor" analyze "$capture" -o /dev/null --quiet "--$mode" >/dev/null 2>&1
    cpu[$mode]+=" $(awk '{printf "%.2f", $1 + $2}' "$data/time.txt")"
  done
done

median() { tr ' ' '\n' <<<"$1" | sed '/^$/d' | sort -n | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
spine=$(median "${cpu[spine-only]}")
metadata=$(median "${cpu[metadata-only]}")
echo "bulk TLS capture: $capture ($(stat -c %s "$capture") bytes), median of $reps, CPU s user+system"
echo "  --spine-only    $spine   (all: ${cpu[spine-only]# })"
echo "  --metadata-only $metadata   (all: ${cpu[metadata-only]# })"
awk -v s="$spine" -v m="$metadata" 'BEGIN {printf "  stage cost (1 - spine/metadata CPU s): %.0f%%\n", 100 * (1 - s / m)}'
