#!/usr/bin/env bash
# lvm-revert against the kernel's own way of doing the same: two identical
# origins with identical snapshots and identical writes (to the origins and
# to the snapshots); one reverted with lvm-revert, the other merged with
# lvconvert --merge. The two origins must end up byte-identical.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/../guest-lib.sh"

VG=mergevg
vm_make_vg "$VG" "$(vm_disk 0)"
for i in 1 2; do
    lvcreate -q -y -L 24M -n "o$i" "$VG" >/dev/null
    vm_fill "/dev/$VG/o$i" 1 24
    lvcreate -q -y -s -c 8k -L 12M -n "s$i" "$VG/o$i" >/dev/null
    vm_fill "/dev/$VG/o$i" 2 3 5
    vm_write_blocks "/dev/$VG/o$i" 3 0 1 2049 6143
    vm_write_blocks "/dev/$VG/s$i" 4 2 2049 4000
done
t_eq "setup: the two origins are alike" "$(vm_sha "/dev/$VG/o1")" "$(vm_sha "/dev/$VG/o2")"
S1=$(vm_sha "/dev/$VG/s1")
t_eq "setup: the two snapshots are alike" "$(vm_sha "/dev/$VG/s2")" "$S1"

vm_revert -y "$VG/o1" "$VG/s1"
t_eq "lvm-revert: exit 0" "$REV_RC" 0
vm_show_revert
lvconvert --merge -i 1 "$VG/s2" >/tmp/mergevg.out 2>&1 || true
if vm_wait_lv_gone "$VG/s2" 120; then t_ok "lvconvert --merge finished"; else
    t_fail "lvconvert --merge finished" "$(cat /tmp/mergevg.out; lvs -a "$VG" 2>&1)"; fi
O2=$(vm_sha "/dev/$VG/o2")
t_eq "merge gives the snapshot's content" "$O2" "$S1"
t_eq "lvm-revert gives what the merge gives" "$(vm_sha "/dev/$VG/o1")" "$O2"
t_cmd "lvm-revert kept the snapshot (no --remove-snapshot)" lvs "$VG/s1"
vm_no_suspended

# --remove-snapshot: like the merge, the snapshot is gone afterwards.
vm_fill "/dev/$VG/o1" 5 2 10
vm_revert -y --remove-snapshot "$VG/o1" "$VG/s1"
t_eq "--remove-snapshot: exit 0" "$REV_RC" 0
[[ $REV_RC == 0 ]] || vm_show_revert
t_eq "--remove-snapshot: origin equals the merged one" "$(vm_sha "/dev/$VG/o1")" "$O2"
if lvs "$VG/s1" >/dev/null 2>&1; then t_fail "--remove-snapshot: snapshot removed" "$(lvs -a "$VG" 2>&1)"; else
    t_ok "--remove-snapshot: snapshot removed"; fi
t_eq "--remove-snapshot: no dm devices of it left" "$(dmsetup ls | grep -c "^$VG-s1" || true)" 0
t_eq "--remove-snapshot: origin is a plain LV again" "$(lvs --noheadings -o lv_attr "$VG/o1" | tr -d ' ' | cut -c1)" -
vm_no_suspended "--remove-snapshot: no device suspended"

vm_cleanup_vg "$VG"
t_done
