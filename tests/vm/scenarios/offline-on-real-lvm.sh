#!/usr/bin/env bash
# The offline form (--cow/--origin) on devices the real kernel made: an
# image copy of the store reverted onto an image copy of the origin; the
# live devices of an active snapshot refused (they belong to the LVM form,
# which locks the VG and suspends the snapshot), except for a dry run.
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

# Writing to -real would bypass the snapshot machinery: refused, naming
# the LVM form; a dry run only reads, so it may look, with a warning.
before=$(vm_sha "$REAL")
rc=0
"$LVM_REVERT" -y --cow "$COW" --origin "$REAL" 2>"$VM_WORKDIR/err" || rc=$?
t_eq "-real as origin: exit 4" "$rc" 4
t_grep "-real as origin: names the LVM form" \
  "is the data device under the active snapshot $(vm_dm_name "$VG" data)" "$VM_WORKDIR/err"
t_grep "-real as origin: the command to use" "use the LVM form instead: lvm-revert $VG/data $VG/SNAP" \
  "$VM_WORKDIR/err"
t_eq "-real unchanged after refusal" "$(vm_sha "$REAL")" "$before"
rc=0
"$LVM_REVERT" --dry-run --cow "$COW" --origin "$REAL" >"$VM_WORKDIR/out" 2>"$VM_WORKDIR/err" || rc=$?
t_eq "-real, dry run: exit 0" "$rc" 0
t_grep "-real, dry run: warns that a real run refuses" "(a real run refuses this)" "$VM_WORKDIR/err"
t_grep "-real, dry run: prints the plan" "Dry run: nothing was written." "$VM_WORKDIR/out"

# An image copy of the store and of the origin (on the guest's tmpfs, which
# on Linux 6.1 refuses O_DIRECT: the buffered fallback is used).
dd if="$COW" of=/tmp/cow.img bs=1M iflag=direct status=none
dd if="$ORIGIN" of=/tmp/origin.img bs=1M iflag=direct status=none
rc=0
"$LVM_REVERT" -y -v --cow /tmp/cow.img --origin /tmp/origin.img >"$VM_WORKDIR/out" 2>"$VM_WORKDIR/err" || rc=$?
t_eq "images: exit 0" "$rc" 0
t_eq "images: origin image equals the snapshot" "$(sha256sum </tmp/origin.img | cut -d' ' -f1)" "$SHA0"
if grep -q "O_DIRECT off (refused" "$VM_WORKDIR/err"; then t_ok "tmpfs on 6.1: buffered fallback noted"; else
  t_fail "tmpfs on 6.1: buffered fallback noted" "$(cat "$VM_WORKDIR/err")"; fi
rm -f /tmp/cow.img /tmp/origin.img

# The live devices: the snapshot's -cow and the origin device. Writing
# them offline would go around the VG lock, the suspend and the sibling
# check, so it is refused; the dry run is allowed.
before=$(vm_sha "$ORIGIN")
for args in "-y" "-y --io-engine psync"; do
  rc=0
  # shellcheck disable=SC2086
  "$LVM_REVERT" $args --cow "$COW" --origin "$ORIGIN" >"$VM_WORKDIR/out" 2>"$VM_WORKDIR/err" || rc=$?
  t_eq "live devices ($args): exit 4" "$rc" 4
  t_grep "live devices ($args): the snapshot-origin is refused naming the LVM form" \
    "origin $(vm_dm_name "$VG" data) is the origin of an active snapshot" "$VM_WORKDIR/err"
done
t_eq "live devices: origin unchanged" "$(vm_sha "$ORIGIN")" "$before"
dd if="$ORIGIN" of=/tmp/origin-copy.img bs=1M iflag=direct status=none
rc=0
"$LVM_REVERT" -y --cow "$COW" --origin /tmp/origin-copy.img >"$VM_WORKDIR/out" 2>"$VM_WORKDIR/err" || rc=$?
t_eq "live -cow onto an image copy: exit 4" "$rc" 4
t_grep "live -cow: names the snapshot and the LVM form" \
  "the active snapshot $(vm_dm_name "$VG" snap): writing it offline would bypass LVM's lock and the snapshot's suspend; use the LVM form instead: lvm-revert $VG/data $VG/snap" \
  "$VM_WORKDIR/err"
rm -f /tmp/origin-copy.img
rc=0
"$LVM_REVERT" --dry-run --cow "$COW" --origin "$ORIGIN" >"$VM_WORKDIR/out" 2>"$VM_WORKDIR/err" || rc=$?
t_eq "live devices, dry run: exit 0" "$rc" 0
t_grep "live devices, dry run: warns" "(a real run refuses this)" "$VM_WORKDIR/err"
t_eq "live devices, dry run: origin unchanged" "$(vm_sha "$ORIGIN")" "$before"
t_eq "snapshot unchanged" "$(vm_sha "/dev/$VG/snap")" "$SHA0"
t_snap_valid "snapshot still valid" "$VG" snap
vm_no_suspended

vm_cleanup_vg "$VG"
t_done
