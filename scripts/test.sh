#!/usr/bin/env bash
# Runs every test of lvm-revert on a Debian 12 machine, installing what is
# missing first: the unit tests, the byte-exact tests on kernel-made images,
# a time-boxed fuzz run of the store reader, the real-LVM suite in a qemu
# guest, a power cut in the middle of a revert and one while --backup writes
# its file (two boots each), the Debian package (built, lintian, installed,
# removed, purged) and, while it is installed, the boot tests with real
# initramfs images. Needs root (loop devices, mounts, the guest's kernel in
# /boot, dpkg -i).
#
#   scripts/test.sh            everything (what CI runs)
#   FUZZ_SECONDS=N             fuzz for N seconds (default 60)
#   SKIP_VM=1 SKIP_FUZZ=1      leave those parts out while developing
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
jobs=$(nproc)
# Each step's heading says how long the run has taken so far (CI keeps
# under 45 minutes: the slow steps are the ones to make faster).
step() { printf '\n=== %s (at %d s)\n' "$*" "$SECONDS"; }

step "setup"
scripts/setup.sh

# The build with liburing and the one without compile the same sources but
# one: ccache compiles them once (the second build: seconds, not minutes).
if command -v ccache >/dev/null; then
  export CMAKE_CXX_COMPILER_LAUNCHER=ccache CCACHE_BASEDIR=$top CCACHE_NOHASHDIR=1
  export CCACHE_DIR=${CCACHE_DIR:-${TMPDIR:-/var/tmp}/lvm-revert-ccache}
fi

step "build (g++, warnings are errors)"
scripts/build.sh

step "unit and image tests (both I/O engines)"
# io_uring works on the CI kernel: its contract tests must run, not skip.
(cd build && LVMREVERT_REQUIRE_URING=${LVMREVERT_REQUIRE_URING:-1} ctest --output-on-failure -j"$jobs")

step "progress line on a real terminal (tmux panes of 45 and 200 columns)"
tests/tty/progress-width.sh build

step "build without liburing (psync only), its unit and image tests"
# What a distribution without liburing, or a rescue image built without it,
# gets: auto must fall back to psync and --io-engine uring must be refused.
cmake -S . -B build-psync -DCMAKE_BUILD_TYPE=RelWithDebInfo -DLVMREVERT_WERROR=ON \
  -DLVMREVERT_WITH_LIBURING=OFF >/dev/null
cmake --build build-psync -j"$jobs"
(cd build-psync && LVMREVERT_REQUIRE_URING=0 ctest --output-on-failure -j"$jobs")

if [[ ${SKIP_FUZZ:-0} != 1 ]]; then
  step "fuzz the store reader for ${FUZZ_SECONDS:-60}s (clang, libFuzzer, ASan+UBSan)"
  cmake -S . -B build-fuzz -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=Debug \
    -DLVMREVERT_FUZZ=ON -DBUILD_TESTING=OFF -DLVMREVERT_WERROR=ON \
    "-DCMAKE_CXX_FLAGS=-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined" \
    >/dev/null
  cmake --build build-fuzz -j"$jobs" --target store_reader_fuzz make_fuzz_seeds
  corpus=$(mktemp -d "${TMPDIR:-/var/tmp}/lvm-revert-corpus.XXXXXX")
  trap 'rm -rf "$corpus"' EXIT
  build-fuzz/tests/make_fuzz_seeds "$corpus"
  build-fuzz/tests/store_reader_fuzz -max_total_time="${FUZZ_SECONDS:-60}" -max_len=65536 \
    -print_final_stats=1 "$corpus" 2>&1 | tail -n 12
fi

if [[ ${SKIP_VM:-0} != 1 ]]; then
  step "real-LVM suite in a qemu guest"
  tests/vm/run-in-vm.sh --disk 1G --timeout 1800 -- bash tests/vm/suite.sh build
  step "power cut mid-copy (qemu killed, second boot re-runs the revert)"
  tests/vm/power-cut.sh build
  step "power cut while --backup writes its file (the origin untouched, the backup refused)"
  tests/vm/power-cut-backup.sh build
fi

step "shell code in packaging/, tests/tty/, tests/scripts/, tests/package/ (shellcheck)"
shellcheck -s sh packaging/initramfs-tools/hooks/lvm-revert \
  packaging/initramfs-tools/scripts/local-premount/lvm-revert \
  packaging/dracut/91lvm-revert/lvm-revert-pre-mount.sh \
  packaging/debian/lvm-revert.prerm packaging/debian/lvm-revert.postrm
shellcheck -s bash packaging/dracut/91lvm-revert/module-setup.sh packaging/bash-completion/lvm-revert \
  tests/tty/progress-width.sh
shellcheck -x tests/scripts/boot-scripts-test.sh tests/package/package-test.sh tests/boot/hold-root.sh \
  tests/scripts/layering-test.sh tests/scripts/options-agree-test.sh tests/scripts/completion-test.sh

step "layering: core <- safety <- lvmext/{system,lvm,cli,revert,boot} <- the dispatcher"
tests/scripts/layering-test.sh

step "options: --help, the bash completion and the man page's OPTIONS agree (lvmext/cli/option_table.cc)"
tests/scripts/options-agree-test.sh build

step "bash completion from the source tree against the built program (options, values, files, volumes)"
tests/scripts/completion-test.sh build

step "boot scripts with stubs (busybox, klibc and bash in a chroot): exit codes, no setsid, plymouth; module-setup; prerm, postrm"
tests/scripts/boot-scripts-test.sh

step "shell code of the VM tests in tests/vm/ (shellcheck)"
shellcheck -x -P SCRIPTDIR tests/vm/*.sh tests/vm/scenarios/*.sh tests/vm/power-cut/*.sh

step "Debian package: build, lintian, install$([[ ${SKIP_VM:-0} == 1 ]] || echo ", boot tests"), remove, purge"
# The unit tests of this tree ran above; the package's build would compile
# and run them again (a distribution's build still does: nocheck is ours).
deb=$(DEB_BUILD_OPTIONS=nocheck scripts/package.sh)
if [[ ${SKIP_VM:-0} != 1 ]]; then
  # The boot tests build their initramfs images from the installed package.
  tests/package/package-test.sh "$deb" -- tests/boot/run-boot-tests.sh
else
  tests/package/package-test.sh "$deb"
fi

step "all tests passed"
