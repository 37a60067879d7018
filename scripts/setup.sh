#!/usr/bin/env bash
# setup.sh [build|all]: installs the Debian 12 packages lvm-revert needs.
#   build  what building lvm-revert needs (scripts/demo.sh)
#   all    that, and what its tests need: fixtures, fuzzing, filesystems,
#          the VM suite, the package and boot tests, benchmarks (the default;
#          scripts/test.sh)
# Idempotent: installs only what is missing. Needs root (or sudo).
set -euo pipefail

build_packages=(
  build-essential cmake pkg-config
  libdevmapper-dev libblkid-dev libmount-dev libcli11-dev liburing-dev nlohmann-json3-dev
  libgtest-dev libgmock-dev
  zstd  # the bundled example images are compressed
)
test_packages=(
  # fixtures, fuzzing, filesystems, loop devices, a terminal for the progress line
  clang libclang-rt-14-dev e2fsprogs util-linux python3 tmux
  ccache  # the build without liburing reuses the first build's compiles
  # the real-LVM suite runs Debian's kernel in a qemu guest
  qemu-system-x86 linux-image-amd64 busybox-static lvm2 cpio kmod
  lvm2-lockd sanlock  # shared VGs under lvmlockd (sanlock without its watchdog)
  thin-provisioning-tools  # thin pools: thin_check at activation, its initramfs hook
  klibc-utils  # the boot script tests run the script under klibc sh, as without busybox
  # the Debian package, its shell code and the boot tests (real initramfs images)
  debhelper dpkg-dev lintian initramfs-tools shellcheck bash-completion man-db
  plymouth  # the dracut image with systemd and plymouth (boot tests)
  # benchmarks
  fio time
)

case "${1:-all}" in
  build) packages=("${build_packages[@]}") ;;
  all) packages=("${build_packages[@]}" "${test_packages[@]}") ;;
  *) echo "usage: setup.sh [build|all]" >&2; exit 2 ;;
esac
"$(dirname "$0")/install-missing.sh" "${packages[@]}"
