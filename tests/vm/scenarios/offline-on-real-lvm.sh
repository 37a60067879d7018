#!/usr/bin/env bash
# The offline form (--cow/--origin) on devices the real kernel made: a live
# snapshot's -cow device reverted onto its origin device, and an image copy
# of the store reverted onto an image copy of the origin.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/../guest-lib.sh"

VG=offvg
vm_make_vg "$VG" "$(vm_disk 0)"
lvcreate -q -y -L 64M -n data "$VG" >/dev/null
vm_fill "/dev/$VG/data" 1 64
SHA0=$(vm_sha "/dev/$VG/data")
lvcreate -q -y -s -c 4k -L 24M -n snap "$VG/data" >/dev/null

# Scattered and sequential writes: single chunks and long runs.
vm_fill "/dev/$VG/data" 2 4 10
vm_fill "/dev/$VG/data" 3 1 40
vm_fill "/dev/$VG/data" 4 2 61
t_ne "origin changed" "$(vm_sha "/dev/$VG/data")" "$SHA0"
t_eq "snapshot shows the original" "$(vm_sha "/dev/$VG/snap")" "$SHA0"

ORIGIN=/dev/mapper/$(vm_dm_name "$VG" data)
COW=/dev/mapper/$(vm_dm_name "$VG" snap)-cow
REAL=/dev/mapper/$(vm_dm_name "$VG" data)-real

# Writing to -real would bypass the snapshot machinery; the device-mapper
# table holds it, so the exclusive open refuses.
before=$(vm_sha "$REAL")
rc=0
"$LVM_REVERT" -y --cow "$COW" --origin "$REAL" 2>"$VM_WORKDIR/err" || rc=$?
t_eq "-real as origin: exit 4" "$rc" 4
t_cmd "-real as origin: says it is in use" grep -q "is in use" "$VM_WORKDIR/err"
t_eq "-real unchanged after refusal" "$(vm_sha "$REAL")" "$before"

# An image copy of the store and of the origin (on the guest's tmpfs, which
# on Linux 6.1 refuses O_DIRECT: the buffered fallback is used).
dd if="$COW" of=/tmp/cow.img bs=1M iflag=direct status=none
dd if="$ORIGIN" of=/tmp/origin.img bs=1M iflag=direct status=none
rc=0
"$LVM_REVERT" -y -v --cow /tmp/cow.img --origin /tmp/origin.img >"$VM_WORKDIR/out" 2>"$VM_WORKDIR/err" || rc=$?
t_eq "images: exit 0" "$rc" 0
t_eq "images: origin image equals the snapshot" "$(sha256sum </tmp/origin.img | cut -d' ' -f1)" "$SHA0"
if grep -q "refused O_DIRECT" "$VM_WORKDIR/err"; then t_ok "tmpfs on 6.1: buffered fallback noted"; else
  t_fail "tmpfs on 6.1: buffered fallback noted" "$(cat "$VM_WORKDIR/err")"; fi
rm -f /tmp/cow.img /tmp/origin.img

# The live devices: read the -cow device, write through the origin device.
rc=0
"$LVM_REVERT" -y --cow "$COW" --origin "$ORIGIN" >"$VM_WORKDIR/out" 2>&1 || rc=$?
t_eq "live devices: exit 0" "$rc" 0
sed 's/^/# /' "$VM_WORKDIR/out"
t_eq "live devices: origin equals the snapshot" "$(vm_sha "$ORIGIN")" "$SHA0"
t_eq "snapshot unchanged" "$(vm_sha "/dev/$VG/snap")" "$SHA0"
t_cmd "snapshot still valid" bash -c "! dmsetup status $(vm_dm_name "$VG" snap) | grep -q Invalid"
vm_no_suspended

vm_cleanup_vg "$VG"
t_done
