#!/usr/bin/env bash
# install-missing.sh PACKAGE...: installs those of the Debian packages that
# are not installed yet (apt-get, as root or with sudo); nothing when all are.
set -euo pipefail
missing=()
for p in "$@"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
((${#missing[@]} > 0)) || exit 0
sudo=()
[[ $(id -u) == 0 ]] || sudo=(sudo)
echo "install-missing: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
