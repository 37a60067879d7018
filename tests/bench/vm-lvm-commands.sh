#!/usr/bin/env bash
# In the VM (tests/vm/run-in-vm.sh --disk 1G --env LVM_REVERT=...): where a pair
# revert's LVM time goes. Each LVM command timed alone, then lvm-revert -v with
# every `lvm` call logged by a wrapper on PATH. With LVM2CMD_BENCH (lvm2cmd-bench.c,
# built with liblvm2-dev) also the same commands in one process through liblvm2cmd.
# A one-off measurement, not a test.
set -uo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/../vm/guest-lib.sh"
: "${LVM_REVERT:?}"
VG=tvg
vm_make_vg "$VG" "$(vm_disk 0)"
lvcreate -q -y -L 192M -n a "$VG" >/dev/null
vm_fill "/dev/$VG/a" 1 192
lvcreate -q -y -s -c 4k -L 96M -n sa "$VG/a" >/dev/null
vm_fill "/dev/$VG/a" 8 64 64
now() { date +%s.%N; }
t() { local a b; a=$(now); "$@" >/dev/null 2>&1; b=$(now); awk -v a="$a" -v b="$b" -v c="$*" 'BEGIN { printf "%6.3f s  %s\n", b - a, c }'; }
# Fields and keys like lvm-revert's (kLvsFields, LvmconfigCommand), not the
# same lists: as run for the figures in docs/performance.md.
F=lv_name,vg_name,lv_attr,lv_uuid,origin,lv_tags,lv_size,seg_size,devices,lv_active,lv_device_open,vg_systemid,vg_lock_type
for _ in 1 2 3; do
  t lvm version
  t lvm lvs --readonly --foreign --shared --reportformat json --units b --nosuffix -a -o "$F" "$VG"
  t lvm lvs --readonly --foreign --shared --reportformat json --units b --nosuffix -a -o "$F" --devices "$(vm_disk 0)" "$VG"
  t lvm lvmconfig --typeconfig full global/locking_dir activation/udev_sync
  t lvm systemid
  t lvm lvchange --addtag x "$VG/a"
  t lvm lvchange --deltag x "$VG/a"
  t lvm lvchange --addtag x --devices "$(vm_disk 0)" "$VG/a"
  t lvm lvchange --deltag x --devices "$(vm_disk 0)" "$VG/a"
done
echo "--- liblvm2cmd, one process"
[[ -z ${LVM2CMD_BENCH:-} ]] || "$LVM2CMD_BENCH" 3 "lvs --readonly --foreign --shared --reportformat json --units b --nosuffix -a -o $F $VG"
[[ -z ${LVM2CMD_BENCH:-} ]] || "$LVM2CMD_BENCH" 3 "lvchange --addtag y $VG/a"
echo "--- lvm-revert -v with every lvm command logged"
mkdir -p /tmp/wrap
cat > /tmp/wrap/lvm <<'W'
#!/bin/sh
s=$(date +%s.%N)
/sbin/lvm "$@"
rc=$?
echo "$s $(date +%s.%N) $*" >> /tmp/lvm.log
exit $rc
W
chmod +x /tmp/wrap/lvm
: >/tmp/lvm.log
s=$(now)
PATH=/tmp/wrap:$PATH "$LVM_REVERT" -y -v "$VG/a" "$VG/sa" >/dev/null 2>/tmp/v.err
e=$(now)
grep "time:" /tmp/v.err
awk -v s="$s" -v e="$e" 'BEGIN { printf "whole run %.3f s\n", e - s } { printf "  +%.3f  %.3f s  %s\n", $1 - s, $2 - $1, substr($0, index($0, $3)) }' s="$s" /tmp/lvm.log
t_eq "the origin holds the snapshot's data" "$(vm_sha "/dev/$VG/a")" "$(vm_sha "/dev/$VG/sa")"
vm_cleanup_vg "$VG"
t_done
