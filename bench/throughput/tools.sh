# Sourced by the harness scripts. need CMD PACKAGE... then install_needed: the Debian packages of the commands that are
# missing, installed through apt-get (root, as on CI and dev machines), each step under a timeout.
missing=()
need() { command -v "$1" >/dev/null || missing+=("$2"); }
install_needed() {
  [[ -x /usr/bin/time ]] || missing+=(time)
  ((${#missing[@]})) || return 0
  echo "installing ${missing[*]}" >&2
  timeout 600 apt-get update -qq
  DEBIAN_FRONTEND=noninteractive timeout 900 apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}
