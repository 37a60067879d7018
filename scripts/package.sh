#!/usr/bin/env bash
# Builds the Debian binary package from this checkout (packaging/debian,
# debhelper compat 13) and prints its path: build-deb/lvm-revert_VERSION_ARCH.deb.
# Installs its build dependencies first when they are missing (root or sudo).
# DEB_BUILD_OPTIONS=nocheck skips the unit tests that run during the build.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)

packages=(build-essential debhelper dpkg-dev cmake pkg-config libdevmapper-dev libblkid-dev
  libmount-dev libcli11-dev liburing-dev nlohmann-json3-dev libgtest-dev libgmock-dev)
"$top/scripts/install-missing.sh" "${packages[@]}"

# The source tree as git knows it (no build directories), with packaging/debian
# as debian/, in a scratch directory: dpkg-buildpackage writes next to it.
stage=$(mktemp -d "${TMPDIR:-/var/tmp}/lvm-revert-package.XXXXXX")
trap 'rm -rf "$stage"' EXIT
mkdir "$stage/src"
git -C "$top" ls-files -z --cached --others --exclude-standard |
  (cd "$top" && xargs -0 tar -cf - --no-recursion) | tar -xf - -C "$stage/src"
cp -a "$stage/src/packaging/debian" "$stage/src/debian"
(cd "$stage/src" && dpkg-buildpackage -us -uc -b -j"$(nproc)") >"$stage/build.log" 2>&1 || {
  tail -n 40 "$stage/build.log" >&2
  echo "package: dpkg-buildpackage failed (log above)" >&2
  exit 1
}

mkdir -p "$top/build-deb"
rm -f "$top"/build-deb/lvm-revert*
cp "$stage"/*.deb "$stage"/*.changes "$stage"/*.buildinfo "$top/build-deb/"
cp "$stage/build.log" "$top/build-deb/build.log"
version=$(dpkg-parsechangelog -l "$top/packaging/debian/changelog" -S Version)
deb=$top/build-deb/lvm-revert_${version}_$(dpkg-architecture -qDEB_HOST_ARCH).deb
[[ -f $deb ]] || { echo "package: $deb was not built" >&2; exit 1; }
echo "$deb"
