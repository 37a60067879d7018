#!/usr/bin/env bash
# Power cut during --backup, boot 2 (run by tests/vm/power-cut-backup.sh on
# boot 1's two disk images). The cut came while the backup was half-written,
# before any write to the origin: the origin, snap and sib must be as they
# were, and the unfinished backup must be refused by every way of restoring
# it (exit 4, "valid=0"; without boot 1's sync the file may also be missing
# or empty), never taken for a complete one. Then the revert with a backup
# is run again (after removing the unfinished file, which lvm-revert never
# overwrites), and its backup undoes it exactly.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/backup-common.sh"

[[ -s $STATE ]] || t_bail "no $STATE from boot 1"
# shellcheck disable=SC1090
. "$STATE"
for v in SHA0 SHA_W SHA_SIB SIB_USED SNAP_USED; do
    [[ -n ${!v:-} ]] || t_bail "$STATE lacks $v"
done

t_cmd "vgchange -ay $VG" vgchange -ay "$VG"
mkdir -p "$BK_MNT"
t_cmd "the backup's ext4 mounts (journal replayed)" mount -t ext4 "$BK_DISK" "$BK_MNT"
# shellcheck disable=SC2317  # invoked via trap
unmount_then_exit() {
    local rc=$?
    umount "$BK_MNT" 2>/dev/null || true
    (exit "$rc")
    _t_on_exit
}
trap unmount_then_exit EXIT
vm_no_suspended "after the power cut: no device suspended"
t_snap_valid "after the power cut: snap valid" "$VG" snap
t_snap_valid "after the power cut: sib valid" "$VG" sib
t_eq "after the power cut: the origin is untouched" "$(vm_sha "$ORIGIN")" "$SHA_W"
t_eq "after the power cut: snap shows what it showed before" "$(vm_sha "/dev/$VG/snap")" "$SHA0"
t_eq "after the power cut: sib shows what it showed before" "$(vm_sha "/dev/$VG/sib")" "$SHA_SIB"
t_eq "after the power cut: snap's store did not grow" "$(vm_snap_used "$VG" snap)" "$SNAP_USED"
t_eq "after the power cut: sib saved nothing (the origin was not written)" "$(vm_snap_used "$VG" sib)" "$SIB_USED"
# The mark of a revert under way comes only after the backup is complete: no
# boot completes this revert without its backup.
t_eq "after the power cut: snap carries no mark of a revert under way" \
    "$(lvs --noheadings -o lv_tags "$VG/snap" | tr -d ' ')" ""

# What reached the disk of the backup. Boot 1 ran sync in the pause (unless
# PCB_SYNC=0), so its name, size and unfinished header are there. Without
# that sync anything up to that is possible: no file, an empty one, a header
# never written (zeroes) or the unfinished header. Each must be refused;
# only a header that says complete could be restored, and it must not be
# there, since the cut came in the middle of the backup.
SYNCED=${PCB_SYNC:-1}
if [[ ! -e $BK ]]; then
    BK_STATE=missing EXPECT="no such file"
else
    HDR=$(bk_header)
    vm_log "after the power cut: $BK: $(stat -c %s "$BK") bytes, header '$HDR', blocks by seed: $(vm_block_seeds "$BK")"
    case $HDR in
        "$HDR_UNFINISHED") BK_STATE=unfinished EXPECT="valid=0" ;;
        "$HDR_COMPLETE") BK_STATE=complete EXPECT="" ;;
        "") BK_STATE=empty EXPECT="too small to hold a header" ;;
        "0 0 0 0") BK_STATE=zeroes EXPECT="magic 0" ;;
        *) BK_STATE="header '$HDR'" EXPECT="" ;;
    esac
fi
vm_log "the backup after the power cut: $BK_STATE (boot 1 synced: $SYNCED)"
if [[ $BK_STATE == complete ]]; then
    # A header that says complete means it was made valid too early (or the
    # pause did not hold). Whatever it claims, it must then restore exactly.
    t_fail "after the power cut: the backup does not say complete" "header '$HDR' says complete"
    vm_revert -y --restore "$BK" "$VG/data"
    t_eq "a backup that says complete: --restore exit 0" "$REV_RC" 0
    vm_show_revert
    t_eq "a backup that says complete: restores exactly" "$(vm_sha "$ORIGIN")" "$SHA_W"
    t_done
fi
if [[ $SYNCED != 0 ]]; then
    t_eq "after the power cut: the backup is there and says unfinished (SnAp, valid=0)" "$BK_STATE" unfinished
elif [[ -n $EXPECT ]]; then
    t_ok "after the power cut: the backup is $BK_STATE (not synced by boot 1)"
else
    t_fail "after the power cut: the backup is missing, empty or unfinished" "$BK_STATE"
fi

# Every way of restoring from it refuses it, and writes nothing.
t_refused "--restore of the unfinished backup" "$ORIGIN" -y --restore "$BK" "$VG/data"
t_grep "--restore of the unfinished backup: says '$EXPECT'" "$EXPECT" "$REV_ERR"
t_eq "--restore of the unfinished backup: sib still saved nothing" "$(vm_snap_used "$VG" sib)" "$SIB_USED"
t_refused "--restore --dry-run of the unfinished backup" "$ORIGIN" --dry-run --restore "$BK" "$VG/data"
t_grep "--restore --dry-run: says '$EXPECT'" "$EXPECT" "$REV_ERR"
# Offline on the origin device: the origin of live snapshots belongs to the
# LVM form, so this is refused before the store is read (if it exists).
t_refused "offline --cow FILE --origin $ORIGIN" "$ORIGIN" -y --cow "$BK" --origin "$ORIGIN"
if [[ $BK_STATE == missing ]]; then
    t_grep "offline --cow FILE --origin $ORIGIN: says '$EXPECT'" "$EXPECT" "$REV_ERR"
else
    t_grep "offline --cow FILE --origin $ORIGIN: names the LVM form" "use the LVM form" "$REV_ERR"
fi
# Offline, on an image of the origin (on the ext4: vm_sha reads with O_DIRECT,
# which tmpfs refuses): the store itself is refused.
IMG=$BK_MNT/origin.img
dd if="$ORIGIN" of="$IMG" bs=1M iflag=direct status=none
t_refused "offline --cow FILE --origin IMAGE" "$IMG" -y --cow "$BK" --origin "$IMG"
t_grep "offline --cow FILE --origin IMAGE: says '$EXPECT'" "$EXPECT" "$REV_ERR"
t_eq "offline: the image is still the origin's content" "$(vm_sha "$IMG")" "$SHA_W"
rm -f "$IMG"

if [[ $BK_STATE != missing ]]; then
    t_eq "after the refusals: the unfinished backup is left as it was" "$(bk_header)" "$HDR"
    # The same command again: refused, since the file exists (never overwritten).
    t_refused "the same command again" "$ORIGIN" "${REVERT_ARGS[@]}"
    t_grep "the same command again: the backup file exists" "exists" "$REV_ERR"
fi
# Without the unfinished file, the same command completes the revert.
rm -f "$BK"
vm_revert "${REVERT_ARGS[@]}"
t_eq "the same command, unfinished backup removed: exit 0" "$REV_RC" 0
vm_show_revert
t_eq "the revert: origin equals snap" "$(vm_sha "$ORIGIN")" "$SHA0"
t_eq "the revert: sib unchanged" "$(vm_sha "/dev/$VG/sib")" "$SHA_SIB"
t_snap_valid "the revert: snap valid" "$VG" snap
t_snap_valid "the revert: sib valid" "$VG" sib
t_eq "the revert: the backup says complete (valid=1)" "$(bk_header)" "$HDR_COMPLETE"
vm_no_suspended "the revert: no device suspended"
# And its backup undoes it exactly.
vm_revert -y --restore "$BK" --verify "$VG/data"
t_eq "--restore of the complete backup: exit 0" "$REV_RC" 0
vm_show_revert
t_grep "--restore --verify: says Verified" "Verified 20971520 bytes" "$REV_OUT"
t_eq "--restore: the origin as before the revert" "$(vm_sha "$ORIGIN")" "$SHA_W"
t_eq "--restore: sib unchanged" "$(vm_sha "/dev/$VG/sib")" "$SHA_SIB"
t_snap_valid "--restore: sib valid" "$VG" sib
vm_no_suspended "--restore: no device suspended"

umount "$BK_MNT"
vm_cleanup_vg "$VG"
t_done
