#!/usr/bin/env bash
# Byte-exact tests of the built lvm-revert on kernel-made exception stores
# (tests/data/fixtures) and on stores made by lvm-revert-mkstore, plus the
# offline safety checks on real loop devices. One case per invocation:
#
#   image-tests.sh BUILD_DIR CASE
#   image-tests.sh --list
#
# This script is the one list of cases: the function case_NAME is the case
# NAME. --list prints a line a case, its name and then its attributes from
# the lists below; tests/CMakeLists.txt registers each as the ctest
# image.NAME (and image.ENGINE.NAME) from that at configure time.
#
# Exit 0 pass, 1 fail, 77 skipped (ctest SKIP_RETURN_CODE) when the case needs
# root, loop devices or a mount this machine does not allow.
set -euo pipefail

# "engines": the byte-exact cases, run once more on each engine explicitly
# (auto picks io_uring where it works; psync is the fallback every machine has).
engine_cases=(fixture-c4k-scatter fixture-c64k-mixed generated-partial-last-chunk
              generated-512k-runs generated-4k-many-areas enospc-exit-5-then-rerun
              tail-on-4k-logical-blocks backup-restore-generated)
# "serial": switches io_uring off machine-wide for a moment
# (kernel.io_uring_disabled), so nothing else may run beside it.
serial_cases=(uring-unavailable-fallback)

# ENGINE=psync|uring|auto runs the case with that --io-engine (default auto).
engine=${ENGINE:-auto}
here=$(cd "$(dirname "$0")" && pwd)
fixtures=$here/../data/fixtures
bin() { "$build/lvmext/lvm-revert" --io-engine "$engine" "$@"; }

cleanups=()
cleanup() {
  local i
  for ((i = ${#cleanups[@]} - 1; i >= 0; i--)); do eval "${cleanups[i]}" || true; done
  rm -rf "$work"
}

fail() { echo "FAIL: $*" >&2; exit 1; }
skip() { echo "SKIP: $*" >&2; exit 77; }
sha() { sha256sum "$1" | cut -d' ' -f1; }
need_root() { [[ $(id -u) == 0 ]] || skip "needs root"; }

# run_rc CMD...: runs, records exit code in $rc, stdout in $out, stderr in $err
run_rc() {
  set +e
  "$@" >"$work/out" 2>"$work/err"
  rc=$?
  set -e
  out=$(cat "$work/out")
  err=$(cat "$work/err")
}
expect_rc() {
  [[ $rc == "$1" ]] || fail "exit code $rc, expected $1; stderr: $err"
}
expect_err() {
  grep -qF -- "$1" "$work/err" || fail "stderr lacks '$1': $err"
}

unpack() {  # unpack FIXTURE -> $work/FIXTURE/{cow,origin,expected}.img
  local name=$1 d=$work/$1
  mkdir -p "$d"
  for f in cow origin expected; do zstd -q -d "$fixtures/$name/$f.img.zst" -o "$d/$f.img"; done
  # The shipped hashes were taken by the kernel run; check we unpacked the same.
  for f in cow origin expected; do
    local want
    want=$(awk -v f="/$f.img" 'index($2, f) { print $1 }' "$fixtures/$name/sha256.txt")
    [[ $(sha "$d/$f.img") == "$want" ]] || fail "$name/$f.img does not match sha256.txt"
  done
}

revert_fixture() {
  local name=$1 d=$work/$1
  unpack "$name"
  local cow_sha
  cow_sha=$(sha "$d/cow.img")
  run_rc bin -y --cow "$d/cow.img" --origin "$d/origin.img"
  expect_rc 0
  [[ $(sha "$d/origin.img") == $(sha "$d/expected.img") ]] || fail "$name: origin != expected"
  [[ $(sha "$d/cow.img") == "$cow_sha" ]] || fail "$name: the store was modified"
  # A second run finds nothing different to do.
  run_rc bin -y --cow "$d/cow.img" --origin "$d/origin.img"
  expect_rc 0
  [[ $(sha "$d/origin.img") == $(sha "$d/expected.img") ]] || fail "$name: second run changed it"
}

dd_replay() {  # dd_replay DIR: the dd listing, run by bash, equals the revert
  local d=$1
  cp "$d/origin.img" "$d/replayed.img"
  run_rc bin --dry-run --format dd --cow "$d/cow.img" --origin "$d/origin.img"
  expect_rc 0
  printf '%s\n' "$out" >"$d/plan.sh"
  [[ $(grep -c '^dd ' "$d/plan.sh") -ge 1 ]] || fail "no dd lines"
  [[ $(sed -n 4p "$d/plan.sh") == "set -eu" ]] || fail "no set -eu at the top"
  [[ $(tail -1 "$d/plan.sh") == sync ]] || fail "no final sync"
  # Quoted: paths with a space replay as well. Silent: status=none.
  mkdir -p "$d/a dir"
  mv "$d/replayed.img" "$d/a dir/replayed.img"
  origin="$d/a dir/replayed.img" cow=$d/cow.img bash -eu "$d/plan.sh" >"$d/dd.out" 2>"$d/dd.log" \
    || fail "replaying the dd lines failed: $(tail -3 "$d/dd.log")"
  [[ ! -s $d/dd.out && ! -s $d/dd.log ]] || fail "the replay printed: $(head -3 "$d/dd.out" "$d/dd.log")"
  mv "$d/a dir/replayed.img" "$d/replayed.img"
  # Without $origin it stops before any dd, saying why.
  if cow=$d/cow.img bash -eu "$d/plan.sh" >/dev/null 2>"$d/dd.log"; then fail "ran without \$origin"; fi
  grep -q "origin: set origin= to the origin device or image" "$d/dd.log" || fail "no reason: $(cat "$d/dd.log")"
  [[ $(sha "$d/replayed.img") == $(sha "$d/expected.img") ]] || fail "dd replay != expected"
  [[ $(stat -c %s "$d/replayed.img") == $(stat -c %s "$d/expected.img") ]] || fail "size changed"
}

generate() {  # generate NAME MKSTORE-ARGS...
  local d=$work/$1
  shift
  mkdir -p "$d"
  "$mkstore" --out "$d" "$@" >/dev/null
}

mount_ramfs() {  # mount_ramfs DIR: ramfs has no direct I/O at all (tmpfs has it since 6.6)
  need_root
  mkdir -p "$1"
  mount -t ramfs ramfs "$1" 2>/dev/null || skip "cannot mount ramfs here"
  cleanups+=("umount $1")
}

attach_loop() {  # attach_loop FILE -> $loop
  need_root
  command -v losetup >/dev/null || skip "no losetup"
  loop=$(losetup -f --show "$1" 2>/dev/null) || skip "cannot attach loop devices here"
  cleanups+=("losetup -d $loop")
}

case_fixture-c4k-scatter() { revert_fixture c4k-scatter; }
case_fixture-c64k-mixed() { revert_fixture c64k-mixed; }
case_fixture-empty() { revert_fixture empty; }

case_fixture-overflow-refused() {
  unpack overflow
  d=$work/overflow
  before=$(sha "$d/origin.img")
  run_rc bin -y --cow "$d/cow.img" --origin "$d/origin.img"
  expect_rc 4
  expect_err "the kernel marked this snapshot invalid (header valid=0)"
  [[ $(sha "$d/origin.img") == "$before" ]] || fail "origin changed after refusal"
  run_rc bin --dry-run --format dd --cow "$d/cow.img" --origin "$d/origin.img"
  expect_rc 4
  [[ -z $out ]] || fail "a refused dry run printed dd lines"
}

case_fixture-dry-run-unchanged() {
  unpack c4k-scatter
  d=$work/c4k-scatter
  before=$(sha "$d/origin.img")
  run_rc bin --dry-run --cow "$d/cow.img" --origin "$d/origin.img"
  expect_rc 0
  grep -q "3186 exceptions in 13 metadata areas" <<<"$out" || fail "summary: $out"
  [[ $(sha "$d/origin.img") == "$before" ]] || fail "dry run wrote"
}

case_fixture-json() {
  unpack c64k-mixed
  d=$work/c64k-mixed
  run_rc bin -y --json --cow "$d/cow.img" --origin "$d/origin.img"
  expect_rc 0
  [[ $(wc -l <"$work/out") == 1 ]] || fail "json is not one line"
  for kv in '"result":"reverted"' '"chunk_size":65536' '"exceptions":242' '"runs":162' \
            '"bytes":15859712'; do
    grep -qF "$kv" <<<"$out" || fail "json lacks $kv: $out"
  done
  if command -v python3 >/dev/null; then
    python3 -c 'import json,sys; json.load(sys.stdin)' <"$work/out" || fail "invalid JSON"
  fi
}

case_dd-replay-c4k-scatter() { unpack c4k-scatter; dd_replay "$work/c4k-scatter"; }
case_dd-replay-c64k-mixed() { unpack c64k-mixed; dd_replay "$work/c64k-mixed"; }
case_dd-replay-empty() {
  # No runs: the listing is comments only.
  unpack empty
  d=$work/empty
  run_rc bin --dry-run --format dd --cow "$d/cow.img" --origin "$d/origin.img"
  expect_rc 0
  [[ $(grep -c '^dd ' <<<"$out" || true) == 0 ]] || fail "dd lines for an empty store"
}

# The c4k-scatter store damaged in one byte range by its caller: refused
# with a message containing $1, the origin unchanged.
expect_damaged_store_refused() {
  local want=$1 d=$work/c4k-scatter
  before=$(sha "$d/origin.img")
  run_rc bin -y --cow "$d/cow.img" --origin "$d/origin.img"
  expect_rc 4
  expect_err "$want"
  [[ $(sha "$d/origin.img") == "$before" ]] || fail "origin changed after refusal"
}
case_corrupt-magic-refused() {
  unpack c4k-scatter
  printf 'X' | dd of="$work/c4k-scatter/cow.img" bs=1 seek=0 conv=notrunc status=none
  expect_damaged_store_refused "bad magic"
}
case_corrupt-zeroed-entry-refused() {  # area 0 entry 10 (chunk 1) zeroed
  unpack c4k-scatter
  dd if=/dev/zero of="$work/c4k-scatter/cow.img" bs=1 seek=$((4096 + 160)) count=16 conv=notrunc \
    status=none
  expect_damaged_store_refused \
    "area 0 entry 10: the table ends here (new_chunk 0) but area 0 entry 11 is not empty"
}
case_corrupt-duplicate-refused() {  # entry 11's old_chunk := entry 10's
  unpack c4k-scatter
  local cow=$work/c4k-scatter/cow.img
  dd if="$cow" of="$cow" bs=1 skip=$((4096 + 160)) seek=$((4096 + 176)) count=8 conv=notrunc \
    status=none
  expect_damaged_store_refused \
    "appears more than once in the table: area 0 entry 10 and area 0 entry 11"
}
case_corrupt-truncated-refused() {
  unpack c4k-scatter
  truncate -s 1M "$work/c4k-scatter/cow.img"
  expect_damaged_store_refused "lies past the end of the store (256 chunks)"
}

case_generated-partial-last-chunk() {
  generate g --chunk-sectors 16 --origin-mib 8 --origin-tail-bytes 1536 --exceptions 1025 \
    --pattern runs --run-chunks 5 --seed 3
  d=$work/g
  # 8 MiB + 1536 bytes in 8 KiB chunks: chunk 1024 is 1536 bytes and is saved.
  run_rc bin -y --cow "$d/cow.img" --origin "$d/origin.img"
  expect_rc 0
  [[ $(sha "$d/origin.img") == $(sha "$d/expected.img") ]] || fail "origin != expected"
}

case_dd-replay-partial-last-chunk() {
  generate g --chunk-sectors 16 --origin-mib 8 --origin-tail-bytes 1536 --exceptions 1025 \
    --pattern runs --run-chunks 5 --seed 3
  dd_replay "$work/g"
}

case_generated-512k-runs() {
  generate g --chunk-sectors 1024 --origin-mib 256 --exceptions 200 --pattern runs \
    --run-chunks 7 --seed 5
  d=$work/g
  run_rc bin -y --cow "$d/cow.img" --origin "$d/origin.img"
  expect_rc 0
  [[ $(sha "$d/origin.img") == $(sha "$d/expected.img") ]] || fail "origin != expected"
  dd_replay "$d"
}

case_generated-4k-many-areas() {
  generate g --chunk-sectors 8 --origin-mib 128 --exceptions 20000 --pattern scatter --seed 7
  d=$work/g
  run_rc bin -y --cow "$d/cow.img" --origin "$d/origin.img"
  expect_rc 0
  grep -q "20000 exceptions in 79 metadata areas" <<<"$out" || fail "summary: $out"
  [[ $(sha "$d/origin.img") == $(sha "$d/expected.img") ]] || fail "origin != expected"
}

case_ramfs-buffered-fallback() {
  d=$work/ramfs
  mount_ramfs "$d"
  for f in cow origin expected; do zstd -q -d "$fixtures/c64k-mixed/$f.img.zst" -o "$d/$f.img"; done
  run_rc bin -y -v --cow "$d/cow.img" --origin "$d/origin.img"
  expect_rc 0
  # Each side says what it got (ramfs refuses O_DIRECT), with its identity.
  for f in origin:origin store:cow; do
    grep -qE "^lvm-revert: note: ${f%%:*} $d/${f#*:}\.img: file, inode [0-9]+ on device [0-9]+:[0-9]+, [0-9]+ bytes, O_DIRECT off \(refused; buffered I/O with a flush at the end\)\$" "$work/err" ||
      fail "stderr lacks the ${f%%:*} line: $err"
  done
  expect_err "note: I/O engine "
  [[ $(sha "$d/origin.img") == $(sha "$d/expected.img") ]] || fail "origin != expected"
  # Without -v the fallback is silent.
  run_rc bin -y --cow "$d/cow.img" --origin "$d/origin.img"
  expect_rc 0
  [[ -z $err ]] || fail "unexpected stderr: $err"
}

case_enospc-exit-5-then-rerun() {
  need_root
  mnt=$work/small
  mkdir -p "$mnt"
  mount -t tmpfs -o size=4M tmpfs "$mnt" 2>/dev/null || skip "cannot mount tmpfs here"
  cleanups+=("umount $mnt")
  unpack c4k-scatter
  d=$work/c4k-scatter
  # A sparse 64 MiB origin on a 4 MiB filesystem: writing 12 MiB of saved
  # chunks into its holes runs out of space part-way.
  truncate -s 64M "$mnt/origin.img"
  truncate -s 64M "$work/reference.img"
  run_rc bin -y --cow "$d/cow.img" --origin "$work/reference.img"
  expect_rc 0
  run_rc bin -y --cow "$d/cow.img" --origin "$mnt/origin.img"
  expect_rc 5
  expect_err "No space left on device"
  expect_err "once the cause is fixed, running the same command again completes the revert"
  ! cmp -s "$mnt/origin.img" "$work/reference.img" || fail "the failed run completed?"
  mount -o remount,size=80M "$mnt"
  run_rc bin -y --cow "$d/cow.img" --origin "$mnt/origin.img"
  expect_rc 0
  cmp -s "$mnt/origin.img" "$work/reference.img" || fail "re-run did not complete the revert"
}

case_loop-origin-revert() {
  unpack c4k-scatter
  d=$work/c4k-scatter
  attach_loop "$d/origin.img"
  run_rc bin -y --cow "$d/cow.img" --origin "$loop"
  expect_rc 0
  losetup -d "$loop"
  cleanups=()
  [[ $(sha "$d/origin.img") == $(sha "$d/expected.img") ]] || fail "origin != expected"
}

case_loop-origin-mounted-refused() {
  need_root
  command -v mkfs.ext4 >/dev/null || skip "no mkfs.ext4"
  unpack empty
  d=$work/empty
  truncate -s 32M "$work/fs.img"
  mkfs.ext4 -q -F -L revert-test "$work/fs.img"
  attach_loop "$work/fs.img"
  mkdir -p "$work/mnt"
  mount -o ro "$loop" "$work/mnt" 2>/dev/null || skip "cannot mount here"
  cleanups+=("umount $work/mnt")
  before=$(sha "$loop")
  run_rc bin -y --cow "$d/cow.img" --origin "$loop"
  expect_rc 4
  expect_err "origin $loop (ext4 \"revert-test\") is mounted on $work/mnt: unmount it first"
  [[ $(sha "$loop") == "$before" ]] || fail "device changed after refusal"
  # The same device, unmounted, passes the check.
  umount "$work/mnt"
  unset 'cleanups[${#cleanups[@]}-1]'
  run_rc bin --dry-run --cow "$d/cow.img" --origin "$loop"
  expect_rc 0
}

case_loop-origin-held-refused() {
  unpack c4k-scatter
  d=$work/c4k-scatter
  attach_loop "$d/origin.img"
  before=$(sha "$loop")
  "$hold" "$loop" 60 >"$work/hold.out" &
  holder=$!
  cleanups+=("kill $holder")
  for _ in $(seq 50); do grep -q held "$work/hold.out" 2>/dev/null && break; sleep 0.1; done
  grep -q held "$work/hold.out" || fail "could not hold $loop"
  run_rc bin -y --cow "$d/cow.img" --origin "$loop"
  expect_rc 4
  expect_err "origin: $loop is in use"
  [[ $(sha "$loop") == "$before" ]] || fail "device changed after refusal"
  kill "$holder"; wait "$holder" 2>/dev/null || true
  run_rc bin -y --cow "$d/cow.img" --origin "$loop"
  expect_rc 0
}

case_loop-backing-image-refused() {
  unpack c4k-scatter
  d=$work/c4k-scatter
  attach_loop "$d/origin.img"
  before=$(sha "$d/origin.img")
  run_rc bin -y --cow "$d/cow.img" --origin "$d/origin.img"
  expect_rc 4
  expect_err "origin image $d/origin.img is the backing file of $loop: detach it first"
  [[ $(sha "$d/origin.img") == "$before" ]] || fail "origin changed after refusal"
}

case_loop-swap-refused() {
  need_root
  command -v mkswap >/dev/null && command -v swapon >/dev/null || skip "no mkswap/swapon"
  unpack empty
  d=$work/empty
  truncate -s 32M "$work/swap.img"
  mkswap -q "$work/swap.img" >/dev/null
  attach_loop "$work/swap.img"
  swapon "$loop" 2>/dev/null || skip "swapon is not allowed here"
  cleanups+=("swapoff $loop")
  before=$(sha "$loop")
  run_rc bin -y --cow "$d/cow.img" --origin "$loop"
  expect_rc 4
  expect_err "is an active swap area: swapoff it first"
  [[ $(sha "$loop") == "$before" ]] || fail "device changed after refusal"
}

case_uring-unavailable-fallback() {
  # io_uring switched off the way hardened hosts do (kernel.io_uring_disabled=2;
  # containers get EPERM the same way): auto falls back to psync with a note
  # under -v, an explicit --io-engine uring is refused before anything is
  # written. A build without liburing behaves the same without the sysctl.
  unpack c64k-mixed
  d=$work/c64k-mixed
  cp "$d/origin.img" "$d/origin.orig"
  knob=/proc/sys/kernel/io_uring_disabled
  if [[ -w $knob ]]; then
    old=$(cat "$knob")
    cleanups+=("echo $old >$knob")
    echo 2 >"$knob" || skip "cannot write $knob"
  fi
  before=$(sha "$d/origin.img")
  run_rc "$build/lvmext/lvm-revert" -y --io-engine uring --cow "$d/cow.img" --origin "$d/origin.img"
  if [[ $rc == 0 ]]; then skip "io_uring works here and cannot be switched off"; fi
  expect_rc 4
  expect_err "io_uring is not available"
  [[ $(sha "$d/origin.img") == "$before" ]] || fail "origin changed after refusal"
  run_rc "$build/lvmext/lvm-revert" -y -v --io-engine auto --cow "$d/cow.img" --origin "$d/origin.img"
  expect_rc 0
  expect_err "; using psync"
  [[ $(sha "$d/origin.img") == $(sha "$d/expected.img") ]] || fail "fallback revert != expected"
  # Without -v the fallback is silent.
  cp "$d/origin.orig" "$d/origin.img"
  run_rc "$build/lvmext/lvm-revert" -y --io-engine auto --cow "$d/cow.img" --origin "$d/origin.img"
  expect_rc 0
  [[ -z $err ]] || fail "fallback without -v printed: $err"
  [[ $(sha "$d/origin.img") == $(sha "$d/expected.img") ]] || fail "silent fallback revert != expected"
}

case_closed-standard-fds() {
  # With fd 1 (or 2, or 0) closed, the origin opened next would get that
  # number, and the tool's own messages would be written into it. On
  # ramfs (no O_DIRECT, so unaligned writes go through) they would land.
  d=$work/ramfs
  mount_ramfs "$d"
  for f in cow origin expected; do zstd -q -d "$fixtures/c4k-scatter/$f.img.zst" -o "$d/$f.img"; done
  cp "$d/origin.img" "$d/origin.orig"
  # psync: io_uring's ring would take the free number first.
  for closed in '>&-' '2>&-' '<&-' '>&- 2>&-'; do
    cp "$d/origin.orig" "$d/origin.img"
    set +e
    eval "\"\$build/lvmext/lvm-revert\" --io-engine psync -y --progress --cow \"\$d/cow.img\" --origin \"\$d/origin.img\" $closed"
    rc=$?
    set -e
    [[ $rc == 0 ]] || fail "with $closed: exit $rc"
    [[ $(sha "$d/origin.img") == $(sha "$d/expected.img") ]] \
      || fail "with $closed the origin is not the snapshot: $(head -c 64 "$d/origin.img" | tr -c '[:print:]' .)"
  done
}

case_sigpipe-does-not-stop-the-copy() {
  # stderr is a pipe nobody reads (as in `... 2>&1 >/dev/null | true`),
  # made deterministic: the read end is closed before lvm-revert starts,
  # and SIGPIPE has its default action, as a shell gives it.
  unpack c4k-scatter
  d=$work/c4k-scatter
  run_rc python3 -c '
import os, signal, sys
signal.signal(signal.SIGPIPE, signal.SIG_DFL)
r, w = os.pipe()
os.close(r)
os.dup2(w, 2)
os.execv(sys.argv[1], sys.argv[1:])' "$build/lvmext/lvm-revert" --io-engine "$engine" -y --progress \
    --cow "$d/cow.img" --origin "$d/origin.img"
  [[ $rc != 141 ]] || fail "killed by SIGPIPE"
  expect_rc 5
  [[ $(sha "$d/origin.img") == $(sha "$d/expected.img") ]] || fail "the copy did not run to the end"
}

case_dev-full-output-is-not-success() {
  unpack c4k-scatter
  d=$work/c4k-scatter
  [[ -c /dev/full ]] || skip "no /dev/full"
  before=$(sha "$d/origin.img")
  for format in '--json' '--format dd' '--format text'; do
    set +e
    # shellcheck disable=SC2086
    bin --dry-run $format --cow "$d/cow.img" --origin "$d/origin.img" >/dev/full 2>"$work/err"
    rc=$?
    set -e
    [[ $rc == 4 ]] || fail "--dry-run $format >/dev/full: exit $rc"
    grep -qF "the output could not be written (standard output: No space left on device)" \
      "$work/err" || fail "--dry-run $format: $(cat "$work/err")"
  done
  # A real run whose plan cannot be printed does not act on it.
  set +e
  bin -y --cow "$d/cow.img" --origin "$d/origin.img" >/dev/full 2>"$work/err"
  rc=$?
  set -e
  [[ $rc == 4 ]] || fail "-y >/dev/full: exit $rc"
  grep -qF "the plan could not be written to standard output; nothing was written" "$work/err" \
    || fail "-y >/dev/full: $(cat "$work/err")"
  [[ $(sha "$d/origin.img") == "$before" ]] || fail "origin changed"
}

case_json-path-not-utf8() {
  unpack c64k-mixed
  d=$work/c64k-mixed
  odd=$d/$'origin-\xff\x01.img'
  mv "$d/origin.img" "$odd"
  run_rc bin -y --json --cow "$d/cow.img" --origin "$odd"
  expect_rc 0
  python3 -c 'import json,sys; o=json.loads(sys.stdin.buffer.read().decode("utf-8")); assert o["origin"].endswith("origin-\ufffd\u0001.img"), o["origin"]' \
    <"$work/out" || fail "not valid UTF-8 JSON: $(od -c "$work/out" | head -5)"
  [[ $(sha "$odd") == $(sha "$d/expected.img") ]] || fail "origin != expected"
}

case_message-names-quoted() {
  unpack empty
  d=$work/empty
  odd=$d/$'or\nigin\e[31m.img'
  cp "$d/origin.img" "$odd"
  # A refusal that names the path: it is the backing file of a loop device.
  attach_loop "$odd"
  run_rc bin -y --cow "$d/cow.img" --origin "$odd"
  expect_rc 4
  [[ $(wc -l <"$work/err") == 1 ]] || fail "error is not one line: $err"
  grep -qF "'$d/or'\$'\\n''igin'\$'\\033''[31m.img' is the backing file of $loop" "$work/err" \
    || fail "name not quoted: $err"
}

case_read-only-loop-origin-refused() {
  need_root
  unpack c4k-scatter
  d=$work/c4k-scatter
  command -v losetup >/dev/null || skip "no losetup"
  loop=$(losetup -f --show -r "$d/origin.img" 2>/dev/null) || skip "cannot attach loop devices here"
  cleanups+=("losetup -d $loop")
  before=$(sha "$d/origin.img")
  for mode in --dry-run -y; do
    run_rc bin "$mode" --cow "$d/cow.img" --origin "$loop"
    expect_rc 4
    expect_err "origin: $loop is a read-only block device: nothing can be written to it"
  done
  [[ $(sha "$d/origin.img") == "$before" ]] || fail "origin changed after refusal"
}

case_immutable-origin-refused() {
  need_root
  unpack c4k-scatter
  d=$work/c4k-scatter
  chattr +i "$d/origin.img" 2>/dev/null || skip "chattr +i not supported here"
  cleanups+=("chattr -i $d/origin.img")
  before=$(sha "$d/origin.img")
  for mode in --dry-run -y; do
    run_rc bin "$mode" --cow "$d/cow.img" --origin "$d/origin.img"
    expect_rc 4
    expect_err "origin: $d/origin.img cannot be opened for writing: Operation not permitted"
  done
  [[ $(sha "$d/origin.img") == "$before" ]] || fail "origin changed after refusal"
}

case_read-only-mount-origin-refused() {
  need_root
  unpack c4k-scatter
  d=$work/c4k-scatter
  mkdir -p "$work/ro"
  mount --bind "$d" "$work/ro" 2>/dev/null || skip "cannot bind-mount here"
  cleanups+=("umount $work/ro")
  mount -o remount,bind,ro "$work/ro" 2>/dev/null || skip "cannot remount read-only here"
  before=$(sha "$d/origin.img")
  for mode in --dry-run -y; do
    run_rc bin "$mode" --cow "$work/ro/cow.img" --origin "$work/ro/origin.img"
    expect_rc 4
    expect_err "origin: $work/ro/origin.img cannot be opened for writing: Read-only file system"
  done
  [[ $(sha "$d/origin.img") == "$before" ]] || fail "origin changed after refusal"
}

case_unwritable-by-caller-refused() {
  need_root
  command -v setpriv >/dev/null || skip "no setpriv"
  unpack c4k-scatter
  d=$work/c4k-scatter
  chmod 755 "$work" "$d"
  chmod 644 "$d/origin.img" "$d/cow.img"
  setpriv --reuid=65534 --regid=65534 --clear-groups test -r "$build/lvmext/lvm-revert" \
    || skip "the build is not readable by nobody"
  before=$(sha "$d/origin.img")
  for mode in --dry-run -y; do
    run_rc setpriv --reuid=65534 --regid=65534 --clear-groups \
      "$build/lvmext/lvm-revert" --io-engine "$engine" "$mode" --cow "$d/cow.img" --origin "$d/origin.img"
    expect_rc 4
    expect_err "origin: $d/origin.img cannot be opened for writing: Permission denied"
  done
  [[ $(sha "$d/origin.img") == "$before" ]] || fail "origin changed after refusal"
}

case_loop-backing-newline-name-refused() {
  # sysfs's backing_file is cut at the newline; the driver knows the inode.
  unpack c4k-scatter
  d=$work/c4k-scatter
  odd=$d/$'origin\n.img'
  mv "$d/origin.img" "$odd"
  attach_loop "$odd"
  before=$(sha "$odd")
  run_rc bin -y --cow "$d/cow.img" --origin "$odd"
  expect_rc 4
  expect_err "is the backing file of $loop: detach it first"
  [[ $(sha "$odd") == "$before" ]] || fail "origin changed after refusal"
}

case_loop-backing-hard-link-refused() {
  # The loop device's file was bound through a name since removed; the
  # origin is another name (a hard link) of the same inode.
  unpack c4k-scatter
  d=$work/c4k-scatter
  ln "$d/origin.img" "$d/link.img"
  attach_loop "$d/origin.img"
  rm "$d/origin.img"
  before=$(sha "$d/link.img")
  run_rc bin -y --cow "$d/cow.img" --origin "$d/link.img"
  expect_rc 4
  expect_err "origin image $d/link.img is the backing file of $loop: detach it first"
  [[ $(sha "$d/link.img") == "$before" ]] || fail "origin changed after refusal"
}

case_loop-two-of-one-file-refused() {
  # The store image bound twice: once as the "origin", once read-only as
  # the "store". Both are one file.
  unpack c4k-scatter
  d=$work/c4k-scatter
  # Big enough to pass for the 64 MiB origin the store was made for.
  truncate -s 64M "$d/cow.img"
  attach_loop "$d/cow.img"
  origin_loop=$loop
  loop=$(losetup -f --show -r "$d/cow.img") || skip "cannot attach a second loop device"
  cleanups+=("losetup -d $loop")
  before=$(sha "$d/cow.img")
  run_rc bin -y --cow "$loop" --origin "$origin_loop"
  expect_rc 4
  expect_err "the origin and the snapshot store are the same file ($origin_loop and $loop, through a loop device)"
  [[ $(sha "$d/cow.img") == "$before" ]] || fail "the store image was written"
}

case_loop-second-of-mounted-image-refused() {
  need_root
  command -v mkfs.ext4 >/dev/null || skip "no mkfs.ext4"
  unpack c4k-scatter
  d=$work/c4k-scatter
  truncate -s 64M "$work/fs.img"
  mkfs.ext4 -q -F "$work/fs.img"
  attach_loop "$work/fs.img"
  mounted=$loop
  mkdir -p "$work/mnt"
  mount -o ro "$mounted" "$work/mnt" 2>/dev/null || skip "cannot mount here"
  cleanups+=("umount $work/mnt")
  attach_loop "$work/fs.img"
  before=$(sha "$work/fs.img")
  run_rc bin -y --cow "$d/cow.img" --origin "$loop"
  expect_rc 4
  expect_err "origin $loop is a loop device of $work/fs.img, which $mounted is bound to as well: detach it first (losetup -d $mounted)"
  [[ $(sha "$work/fs.img") == "$before" ]] || fail "the mounted filesystem's image was written"
}

case_tail-on-4k-logical-blocks() {
  # A 512-byte last chunk on a filesystem whose device has 4096-byte
  # logical blocks: O_DIRECT refuses that write (EINVAL) on every run.
  need_root
  command -v mkfs.ext4 >/dev/null || skip "no mkfs.ext4"
  truncate -s 96M "$work/4k.img"
  command -v losetup >/dev/null || skip "no losetup"
  loop=$(losetup -f --show --sector-size 4096 "$work/4k.img" 2>/dev/null) || skip "no 4096-byte loop devices here"
  cleanups+=("losetup -d $loop")
  [[ $(blockdev --getss "$loop") == 4096 ]] || skip "loop device did not take 4096-byte sectors"
  mkfs.ext4 -q -F "$loop"
  mkdir -p "$work/mnt"
  mount "$loop" "$work/mnt" 2>/dev/null || skip "cannot mount here"
  cleanups+=("umount $work/mnt")
  mkdir -p "$work/mnt/g"
  "$mkstore" --out "$work/mnt/g" --chunk-sectors 16 --origin-mib 8 --origin-tail-bytes 512 \
    --exceptions 1025 --pattern runs --run-chunks 5 --seed 3 >/dev/null
  d=$work/mnt/g
  run_rc bin -y -v --cow "$d/cow.img" --origin "$d/origin.img"
  expect_rc 0
  expect_err "the origin's last chunk is partial and unaligned: it is written without O_DIRECT"
  [[ $(sha "$d/origin.img") == $(sha "$d/expected.img") ]] || fail "origin != expected"
}

# backup, revert (verified), compare, restore: the origin as it was, byte
# for byte; the backup compares equal to the restored origin. In each of
# the directories named.
backup_revert_restore() {
  local d
  for d in "$@"; do
    before=$(sha "$d/origin.img")
    run_rc bin --compare --cow "$d/cow.img" --origin "$d/origin.img"
    if grep -q ' 0 exceptions' <<<"$out"; then expect_rc 0; else expect_rc 1; fi
    run_rc bin -y --verify --backup "$d/backup.img" --cow "$d/cow.img" --origin "$d/origin.img"
    expect_rc 0
    grep -q "^Verified " <<<"$out" || fail "$d: no Verified line: $out"
    [[ $(sha "$d/origin.img") == $(sha "$d/expected.img") ]] || fail "$d: revert != expected"
    run_rc bin --compare --cow "$d/cow.img" --origin "$d/origin.img"
    expect_rc 0
    run_rc bin -y --cow "$d/backup.img" --origin "$d/origin.img"
    expect_rc 0
    [[ $(sha "$d/origin.img") == "$before" ]] || fail "$d: restore != the origin before the revert"
    run_rc bin --compare --cow "$d/backup.img" --origin "$d/origin.img"
    expect_rc 0
  done
}
case_backup-restore-fixtures() {
  for f in c4k-scatter c64k-mixed empty; do unpack "$f"; done
  backup_revert_restore "$work/c4k-scatter" "$work/c64k-mixed" "$work/empty"
}
case_backup-restore-generated() {
  generate tail --chunk-sectors 16 --origin-mib 8 --origin-tail-bytes 1536 --exceptions 1025 \
    --pattern runs --run-chunks 5 --seed 3
  generate many --chunk-sectors 8 --origin-mib 64 --exceptions 9000 --pattern scatter --seed 9
  backup_revert_restore "$work/tail" "$work/many"
}

case_backup-refusals() {
  unpack c4k-scatter
  d=$work/c4k-scatter
  before=$(sha "$d/origin.img")
  echo keep >"$d/exists.img"
  run_rc bin -y --backup "$d/exists.img" --cow "$d/cow.img" --origin "$d/origin.img"
  expect_rc 4
  expect_err "backup file $d/exists.img exists: lvm-revert never overwrites one"
  [[ $(cat "$d/exists.img") == keep ]] || fail "the existing file was touched"
  need_root
  mkdir -p "$work/small"
  mount -t tmpfs -o size=2M tmpfs "$work/small" 2>/dev/null || skip "cannot mount tmpfs here"
  cleanups+=("umount $work/small")
  run_rc bin -y --backup "$work/small/backup.img" --cow "$d/cow.img" --origin "$d/origin.img"
  expect_rc 4
  expect_err "no room for backup file $work/small/backup.img: it needs"
  [[ ! -e $work/small/backup.img ]] || fail "a refused backup was left behind"
  [[ $(sha "$d/origin.img") == "$before" ]] || fail "origin changed after refusal"
  # On the origin itself: a filesystem on the loop device being reverted.
  command -v mkfs.ext4 >/dev/null || skip "no mkfs.ext4"
  truncate -s 64M "$work/fs.img"
  mkfs.ext4 -q -F "$work/fs.img"
  attach_loop "$work/fs.img"
  mkdir -p "$work/mnt"
  mount -o ro "$loop" "$work/mnt" 2>/dev/null || skip "cannot mount here"
  cleanups+=("umount $work/mnt")
  fs_before=$(sha "$work/fs.img")
  run_rc bin -y --backup "$work/mnt/backup.img" --cow "$d/cow.img" --origin "$loop"
  expect_rc 4
  expect_err "backup file $work/mnt/backup.img would lie on the device being reverted"
  [[ $(sha "$work/fs.img") == "$fs_before" ]] || fail "the origin was written"
}

case_backup-interrupted-refused() {
  # SIGKILL half-way through the backup (as a power cut would stop it):
  # the origin is untouched and the backup is refused, never restored.
  unpack c64k-mixed
  d=$work/c64k-mixed
  before=$(sha "$d/origin.img")
  LVM_REVERT_DEBUG_PAUSE=backing-up:30 "$build/lvmext/lvm-revert" --io-engine psync -y \
    --backup "$d/backup.img" --cow "$d/cow.img" --origin "$d/origin.img" >"$work/bg.out" 2>&1 &
  pid=$!
  cleanups+=("kill -9 $pid")
  # The pause comes after the backup's first write; the file is reserved
  # (full size) from the start, so wait for the process to sit in nanosleep.
  for _ in $(seq 100); do
    grep -q nanosleep "/proc/$pid/syscall" 2>/dev/null && break
    [[ $(cat "/proc/$pid/wchan" 2>/dev/null) == *nanosleep* ]] && break
    sleep 0.1
  done
  kill -9 "$pid"; wait "$pid" 2>/dev/null || true
  [[ -f $d/backup.img ]] || fail "no backup file left to test"
  [[ $(sha "$d/origin.img") == "$before" ]] || fail "the origin was written before the backup was complete"
  run_rc bin -y --cow "$d/backup.img" --origin "$d/origin.img"
  expect_rc 4
  expect_err "valid=0"
  [[ $(sha "$d/origin.img") == "$before" ]] || fail "origin changed after refusal"
}

# Every case, with its attributes; a name in an attribute list that is no
# case fails, so a renamed case cannot drop out of a list unseen.
list_cases() {
  local name attributes cases
  cases=$(declare -F | sed -n 's/^declare -f case_//p')
  for name in "${engine_cases[@]}" "${serial_cases[@]}"; do
    grep -qxF -- "$name" <<<"$cases" || { echo "no case $name" >&2; return 1; }
  done
  while IFS= read -r name; do
    attributes=""
    if printf '%s\n' "${engine_cases[@]}" | grep -qxF -- "$name"; then attributes+=" engines"; fi
    if printf '%s\n' "${serial_cases[@]}" | grep -qxF -- "$name"; then attributes+=" serial"; fi
    echo "$name$attributes"
  done <<<"$cases"
}

if [[ ${1:-} == --list ]]; then
  list_cases
  exit
fi
[[ $# == 2 ]] || { echo "usage: $0 BUILD_DIR CASE | $0 --list" >&2; exit 2; }
build=$(cd "$1" && pwd)
case_name=$2
declare -F "case_$case_name" >/dev/null || { echo "unknown case $case_name" >&2; exit 2; }
mkstore=$build/tests/lvm-revert-mkstore
hold=$build/tests/hold-exclusive
work=$(mktemp -d "${TMPDIR:-/var/tmp}/lvm-revert-image.XXXXXX")
trap cleanup EXIT
"case_$case_name"
echo "PASS: $case_name"
