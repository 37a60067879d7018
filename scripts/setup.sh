#!/usr/bin/env bash
# Installs the Debian 12 packages lvm-revert needs to build, test and run its
# VM suite. Idempotent: installs only what is missing. Needs root (or sudo).
set -euo pipefail

packages=(
  # build
  build-essential cmake pkg-config
  libdevmapper-dev libblkid-dev libmount-dev libcli11-dev liburing-dev nlohmann-json3-dev
  libgtest-dev libgmock-dev
  # tests: fixtures, fuzzing, filesystems, loop devices
  zstd clang libclang-rt-14-dev e2fsprogs util-linux python3
  # the real-LVM suite runs Debian's kernel in a qemu guest
  qemu-system-x86 linux-image-amd64 busybox-static lvm2 cpio kmod
  # the Debian package, its shell code and the boot tests (real initramfs images)
  debhelper dpkg-dev lintian initramfs-tools shellcheck bash-completion man-db
  # benchmarks
  fio time
)

"$(dirname "$0")/install-missing.sh" "${packages[@]}"
