#!/usr/bin/env bash
# Installs what live capture needs and offline analysis does not: libpcap (Debian package libpcap0.8).
# Idempotent; needs root (or sudo) and the Debian package registry.
set -euo pipefail

have_libpcap() { ldconfig -p 2>/dev/null | grep -q 'libpcap\.so'; }

if have_libpcap; then
    echo "libpcap: already installed"
    exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "install-capture-deps: need root or sudo to install libpcap0.8" >&2; exit 1; }
    SUDO="sudo"
fi

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq libpcap0.8 >/dev/null
have_libpcap && echo "libpcap: installed (libpcap0.8)"
