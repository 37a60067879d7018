#!/usr/bin/env bash
# Inside the VM (run by run-bench.sh through tests/vm/run-in-vm.sh): the same
# changes reverted by lvconvert --merge on one origin and by lvm-revert on an
# identical one, in one boot. Guest clocks run at emulation speed, so only the
# ratio means anything.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/../vm/guest-lib.sh"
: "${LVM_REVERT:?}"

VG=benchvg
vm_make_vg "$VG" "$(vm_disk 0)"
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }

# merge_seconds LV SNAP: start the kernel merge and wait, by the snapshot's
# own status, until it is done (used == metadata), as lvconvert's poller does.
merge_seconds() {
  local lv=$1 snap=$2 t0 t1 st
  t0=$(now)
  lvconvert -q --merge --background "$VG/$snap" >/dev/null
  while :; do
    st=$(dmsetup status "$VG-$lv" 2>/dev/null || true)
    if [[ $st == *snapshot-merge* ]]; then
      awk '{ split($4, a, "/"); exit !(a[1] == $5) }' <<<"$st" && break
    elif ! lvs "$VG/$snap" >/dev/null 2>&1; then
      break
    fi
    sleep 0.05
  done
  t1=$(now)
  vm_wait_lv_gone "$VG/$snap" 120 || true
  elapsed "$t0" "$t1"
}

# bench LABEL WRITER SNAPSHOT_MIB
bench() {
  local label=$1 writer=$2 snap_mib=$3
  for lv in a b; do
    lvcreate -q -y -L 192M -n "$lv" "$VG" >/dev/null
    vm_fill "/dev/$VG/$lv" 1 192
    lvcreate -q -y -s -c 4k -L "${snap_mib}M" -n "s$lv" "$VG/$lv" >/dev/null
    "$writer" "/dev/$VG/$lv"
  done
  local want t0 t1 ours theirs
  want=$(vm_sha "/dev/$VG/sa")
  t0=$(now)
  "$LVM_REVERT" -y -v "$VG/a" "$VG/sa" >/dev/null 2>/tmp/vm-bench.err
  t1=$(now)
  ours=$(elapsed "$t0" "$t1")
  theirs=$(merge_seconds b sb)
  t_eq "$label: lvm-revert result" "$(vm_sha "/dev/$VG/a")" "$want"
  t_eq "$label: lvconvert --merge result is the same" "$(vm_sha "/dev/$VG/b")" "$want"
  echo "vm-bench $label: lvconvert --merge ${theirs}s, lvm-revert ${ours}s (guest clock), merge/lvm-revert $(awk -v a="$theirs" -v b="$ours" 'BEGIN { printf "%.2f", a / b }')x (above 1: lvm-revert faster)"
  # -v's own account of where lvm-revert's time went.
  echo "vm-bench $label: lvm-revert phases: $(sed -n 's/^lvm-revert: note: time: //p' /tmp/vm-bench.err)"
  lvremove -q -y "$VG/a" "$VG/b" "$VG/sa" >/dev/null 2>&1 || true
}

# 4096 scattered 4 KiB blocks (16 MiB) in one perl process.
scatter() {
  perl -e 'srand(42); my %s; while (keys %s < 4096) { $s{int(rand(49152))} = 1 } print join(" ", sort { $a <=> $b } keys %s)' >/tmp/blocks
  # shellcheck disable=SC2046
  vm_write_blocks "$1" 7 $(cat /tmp/blocks)
}
# 64 and 160 MiB written sequentially: at 64 MiB the fixed cost of asking
# LVM (lvs, about 1 s at emulation speed, as lvconvert pays too) is most of
# either side's time.
runs64() { vm_fill "$1" 8 64 64; }
runs160() { vm_fill "$1" 8 160 16; }

bench "4k-scatter-16MiB" scatter 96
bench "4k-runs-64MiB" runs64 96
bench "4k-runs-160MiB" runs160 176
vm_cleanup_vg "$VG"
t_done
