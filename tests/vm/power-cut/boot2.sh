#!/usr/bin/env bash
# Power cut, boot 2 (run by tests/vm/power-cut.sh on boot 1's disk): put the
# PV's device back as it was made (linear, no delay) before LVM looks, then
# check that the power cut came in the middle of the copy, that snap and its
# sibling sib are valid and show what they showed before, and that the same
# lvm-revert command completes the revert.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

[[ -s $STATE ]] || t_bail "no $STATE from boot 1"
# shellcheck disable=SC1090
. "$STATE"
for v in START LEN SHA0 SHA_W SHA_SIB SIB_USED SNAP_USED; do
    [[ -n ${!v:-} ]] || t_bail "$STATE lacks $v"
done

if vgs "$VG" >/dev/null 2>&1; then t_fail "LVM sees no $VG before $PV exists"; else
    t_ok "LVM sees no $VG before $PV exists"; fi
dmsetup create "$PV" --table "$(vm_dm_table_linear "$DISK" "$START" "$LEN")"
t_cmd "vgchange -ay $VG" vgchange -ay "$VG"
vm_no_suspended "after the power cut: no device suspended"
t_eq "after the power cut: snap is a snapshot of data" "$(lvs --noheadings -o origin "$VG/snap" | tr -d ' ')" data
t_eq "after the power cut: sib is a snapshot of data" "$(lvs --noheadings -o origin "$VG/sib" | tr -d ' ')" data
t_snap_valid "after the power cut: snap valid" "$VG" snap
t_snap_valid "after the power cut: sib valid" "$VG" sib
t_eq "after the power cut: snap shows what it showed before" "$(vm_sha "/dev/$VG/snap")" "$SHA0"
t_eq "after the power cut: sib shows what it showed before" "$(vm_sha "/dev/$VG/sib")" "$SHA_SIB"
t_eq "after the power cut: snap's store did not grow" "$(vm_snap_used "$VG" snap)" "$SNAP_USED"
USED=$(vm_snap_used "$VG" sib)
if ((USED > SIB_USED)); then t_ok "after the power cut: sib had saved chunks (used $SIB_USED -> $USED sectors)"; else
    t_fail "after the power cut: sib had saved chunks" "used $SIB_USED -> $USED sectors"; fi

SHA_CUT=$(vm_sha "/dev/$VG/data")
vm_log "origin blocks by fill seed (1 = the snapshot's, 2 and 3 = the changes): $(vm_block_seeds "/dev/$VG/data")"
t_ne "cut mid-copy: origin is no longer the changed origin" "$SHA_CUT" "$SHA_W"
t_ne "cut mid-copy: origin is not yet the snapshot" "$SHA_CUT" "$SHA0"

# The revert committed its mark before its first write: LVM's metadata says
# the origin is half-reverted (a boot would complete it before mounting).
t_eq "cut mid-copy: snap carries the mark of a revert under way" \
    "$(lvs --noheadings -o lv_tags "$VG/snap" | tr -d ' ')" lvm_revert_incomplete
vm_revert "${REVERT_ARGS[@]}"
t_eq "the same command again: exit 0" "$REV_RC" 0
t_eq "the same command again: the mark is gone" "$(lvs --noheadings -o lv_tags "$VG/snap" | tr -d ' ')" ""
vm_show_revert
t_eq "the same command again: origin equals snap" "$(vm_sha "/dev/$VG/data")" "$SHA0"
t_eq "the same command again: sib unchanged" "$(vm_sha "/dev/$VG/sib")" "$SHA_SIB"
t_snap_valid "the same command again: snap valid" "$VG" snap
t_snap_valid "the same command again: sib valid" "$VG" sib
USED=$(vm_snap_used "$VG" sib)
WANT=$((SIB_USED + SIB_NEW_CHUNKS * SIB_CHUNK_SECTORS))
if ((USED >= WANT)); then t_ok "sib saved the $SIB_NEW_CHUNKS chunks the revert overwrote (used $SIB_USED -> $USED >= $WANT sectors)"; else
    t_fail "sib saved the $SIB_NEW_CHUNKS chunks the revert overwrote" "used $SIB_USED -> $USED, want >= $WANT sectors"; fi
vm_no_suspended "the same command again: no device suspended"

vm_cleanup_vg "$VG"
pvremove -q -y "/dev/mapper/$PV" >/dev/null 2>&1 || true
dmsetup remove "$PV"
t_done
