#!/usr/bin/env bash
# Undoing a revert, on real LVM: --backup-snapshot NAME (the kernel saves
# what the revert overwrites into a new old-style snapshot; reverting to it
# undoes the revert), --backup FILE with --restore FILE VG/LV (with and
# without snapshots of the origin left), --verify, and --compare (exit 1
# while the origin differs from the snapshot, 0 once it does not). Refusals:
# a VG without the free extents a backup snapshot needs, and a backup file
# that already exists (exit 4, nothing written, nothing created).
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/../guest-lib.sh"

VG=undovg
ORIGIN=/dev/$VG/data
vm_make_vg "$VG" "$(vm_disk 0)"
lvcreate -q -y -L 16M -n data "$VG" >/dev/null
vm_fill "$ORIGIN" 1 16
lvcreate -q -y -s -c 16k -L 8M -n snap "$VG/data" >/dev/null
# Changes: 4 MiB in a row and scattered 4 KiB blocks (16 KiB chunks are
# partly changed), then a sibling with another chunk size, then more changes,
# some over the first ones.
vm_fill "$ORIGIN" 2 4 2
vm_write_blocks "$ORIGIN" 3 100 1500 3000 4000
lvcreate -q -y -s -c 64k -L 12M -n sib "$VG/data" >/dev/null
vm_fill "$ORIGIN" 4 2 8
vm_write_blocks "$ORIGIN" 5 1000 3500
SHA_SNAP=$(vm_sha "/dev/$VG/snap")
SHA_SIB=$(vm_sha "/dev/$VG/sib")
SHA_W=$(vm_sha "$ORIGIN")            # the origin before any revert: what undo must give back
t_ne "set-up: the origin differs from snap" "$SHA_W" "$SHA_SNAP"
t_ne "set-up: sib differs from snap" "$SHA_SIB" "$SHA_SNAP"
t_ne "set-up: sib differs from the origin" "$SHA_SIB" "$SHA_W"

# t_others_unchanged LABEL: snap and sib show what they showed,
# both valid, nothing suspended.
t_others_unchanged() {
    t_eq "$1: snap unchanged" "$(vm_sha "/dev/$VG/snap")" "$SHA_SNAP"
    t_eq "$1: sib unchanged" "$(vm_sha "/dev/$VG/sib")" "$SHA_SIB"
    t_snap_valid "$1: snap valid" "$VG" snap
    t_snap_valid "$1: sib valid" "$VG" sib
    vm_no_suspended "$1: no device suspended"
}
lv_count() { lvs --noheadings -o lv_name "$VG" | wc -l; }

# --compare before any revert: it writes nothing, and every saved chunk
# differs. Its "bytes" is the plan's size, for the checks below. (JSON is
# checked key by key, through python3: see vm_json_load.)
vm_revert --compare --json "$VG/data" "$VG/snap"
t_eq "compare --json before the revert: exit 1 (differs)" "$REV_RC" 1
sed 's/^/# json: /' "$REV_OUT" | cut -c1-400
vm_json_load
PLAN_BYTES=$(vm_json bytes)
CHUNKS=$(vm_json exceptions)
if [[ $PLAN_BYTES =~ ^[0-9]+$ ]] && ((PLAN_BYTES > 4 * 1048576)); then
    t_ok "the plan writes $PLAN_BYTES bytes (more than 4 MiB)"
else
    t_fail "the plan writes more than 4 MiB" "bytes: $PLAN_BYTES"
fi
if [[ $CHUNKS =~ ^[0-9]+$ ]] && ((CHUNKS * 16384 == PLAN_BYTES)); then
    t_ok "the plan has $CHUNKS chunks of 16 KiB"
else
    t_fail "the plan's chunks are its bytes in 16 KiB chunks" "exceptions: $CHUNKS, bytes: $PLAN_BYTES"
fi
t_json "compare --json before: result compared" result '"compared"'
t_json "compare --json before: exit_status 1" exit_status 1
t_json "compare --json before: no error" error null
t_json "compare --json before: nothing written" bytes_written 0
t_json "compare --json before: compared every chunk of the plan" compare.chunks "$CHUNKS"
t_json "compare --json before: compared the plan's bytes" compare.bytes "$PLAN_BYTES"
t_json "compare --json before: every chunk differs" compare.differing_chunks "$CHUNKS"
DIFF_B=$(vm_json compare.differing_bytes)
if [[ $DIFF_B =~ ^[0-9]+$ ]] && ((DIFF_B > PLAN_BYTES / 2 && DIFF_B <= PLAN_BYTES)); then
    t_ok "compare --json before: $DIFF_B of the $PLAN_BYTES bytes differ"
else
    t_fail "compare --json before: most bytes compared differ, no more than compared" "differing_bytes: $DIFF_B"
fi
t_json "compare --json before: first difference at byte 409601 (block 100's header)" \
    compare.first_difference 409601
t_eq "compare: origin unchanged" "$(vm_sha "$ORIGIN")" "$SHA_W"

# ---------------------------------------------------------------- a) --backup-snapshot
# Refused first: a VG with one free extent (4 MiB) has no room for a backup
# snapshot of what this revert writes (more than 4 MiB).
FREE_EXT=$(vgs --noheadings -o vg_free_count "$VG" | tr -d ' ')
lvcreate -q -y -l $((FREE_EXT - 1)) -n filler "$VG" >/dev/null
FREE_B=$(vgs --noheadings --nosuffix --units b -o vg_free "$VG" | tr -d ' ')
EXTENT_B=$(vgs --noheadings --nosuffix --units b -o vg_extent_size "$VG" | tr -d ' ')
t_eq "nearly full VG: one extent free" "$FREE_B" "$EXTENT_B"
N_LV=$(lv_count)
t_refused "backup snapshot, VG nearly full" "$ORIGIN" -y --backup-snapshot undo "$VG/data" "$VG/snap"
t_grep "VG nearly full: says how many bytes are free" "has $FREE_B bytes" "$REV_ERR"
NEED=$(grep -oE 'needs [0-9]+ bytes' "$REV_ERR" | grep -oE '[0-9]+' || true)
if [[ $NEED =~ ^[0-9]+$ ]] && ((NEED >= PLAN_BYTES && NEED > FREE_B && NEED % EXTENT_B == 0)); then
    t_ok "VG nearly full: says it needs $NEED bytes (whole extents, at least the $PLAN_BYTES to save)"
else
    t_fail "VG nearly full: says how many bytes it needs" "needs '$NEED', plan $PLAN_BYTES, free $FREE_B"
fi
t_grep "VG nearly full: says what it sized for" "$CHUNKS chunks of 16384 bytes" "$REV_ERR"
t_grep "VG nearly full: says nothing was written" "nothing was written" "$REV_ERR"
t_eq "VG nearly full: no LV created" "$(lv_count)" "$N_LV"
if vm_lv_exists "$VG/undo"; then t_fail "VG nearly full: no $VG/undo"; else t_ok "VG nearly full: no $VG/undo"; fi
t_eq "VG nearly full: free space unchanged" \
    "$(vgs --noheadings --nosuffix --units b -o vg_free "$VG" | tr -d ' ')" "$FREE_B"
# The same with --json: refused, the numbers in error.message, no backup snapshot named.
vm_revert -y --json --backup-snapshot undo "$VG/data" "$VG/snap"
t_eq "VG nearly full, --json: exit 4" "$REV_RC" 4
vm_json_load
t_json "VG nearly full, --json: result refused" result '"refused"'
t_json "VG nearly full, --json: exit_status 4" exit_status 4
t_json "VG nearly full, --json: error kind refused" error.kind '"refused"'
t_json "VG nearly full, --json: nothing written" bytes_written 0
t_json_not_string "VG nearly full, --json: names no backup snapshot" backup_snapshot
ERROR=$(vm_json error.message)
if [[ $ERROR == *"has $FREE_B bytes"*"needs $NEED bytes"* ]]; then t_ok "VG nearly full, --json: error has both numbers"; else
    t_fail "VG nearly full, --json: error has both numbers" "error: $ERROR"; fi
t_eq "VG nearly full, --json: no LV created" "$(lv_count)" "$N_LV"
lvremove -q -y "$VG/filler" >/dev/null

vm_revert -y --json --backup-snapshot undo "$VG/data" "$VG/snap"
t_eq "revert with --backup-snapshot: exit 0" "$REV_RC" 0
[[ $REV_RC == 0 ]] || vm_show_revert
sed 's/^/# json: /' "$REV_OUT" | cut -c1-400
vm_json_load
t_json "revert with --backup-snapshot: result reverted" result '"reverted"'
t_json "revert with --backup-snapshot: JSON names it" backup_snapshot "\"$VG/undo\""
t_json "revert with --backup-snapshot: JSON wrote the plan" bytes_written "$PLAN_BYTES"
t_json "revert with --backup-snapshot: undo is a sibling that saves every chunk" \
    "siblings.$VG/undo.new_chunks" "$CHUNKS"
t_json "revert with --backup-snapshot: undo does not overflow" "siblings.$VG/undo.would_overflow" false
t_json "revert with --backup-snapshot: sib does not overflow" "siblings.$VG/sib.would_overflow" false
t_eq "revert with --backup-snapshot: origin equals snap" "$(vm_sha "$ORIGIN")" "$SHA_SNAP"
t_eq "revert with --backup-snapshot: undo is a snapshot of data" \
    "$(lvs --noheadings -o origin "$VG/undo" 2>&1 | tr -d ' ')" data
t_snap_valid "revert with --backup-snapshot: undo valid" "$VG" undo
t_eq "revert with --backup-snapshot: undo shows the origin before the revert" "$(vm_sha "/dev/$VG/undo")" "$SHA_W"
t_others_unchanged "revert with --backup-snapshot"

vm_revert -y --json "$VG/data" "$VG/undo"
t_eq "undo (revert to undo): exit 0" "$REV_RC" 0
[[ $REV_RC == 0 ]] || vm_show_revert
vm_json_load
t_json "undo: undo had saved exactly the chunks the revert wrote" exceptions "$CHUNKS"
t_json "undo: wrote them back" bytes_written "$PLAN_BYTES"
t_eq "undo: origin as before the first revert" "$(vm_sha "$ORIGIN")" "$SHA_W"
t_snap_valid "undo: undo valid" "$VG" undo
t_others_unchanged "undo"
lvremove -q -y "$VG/undo" >/dev/null

# Nothing to write (a snapshot with no saved chunk): the backup snapshot is
# removed again.
lvcreate -q -y -s -c 16k -L 4M -n fresh "$VG/data" >/dev/null
N_LV=$(lv_count)
vm_revert -y --json --backup-snapshot undo2 "$VG/data" "$VG/fresh"
t_eq "nothing to write, --backup-snapshot: exit 0" "$REV_RC" 0
[[ $REV_RC == 0 ]] || vm_show_revert
if vm_lv_exists "$VG/undo2"; then t_fail "nothing to write: the backup snapshot was removed again"; else
    t_ok "nothing to write: the backup snapshot was removed again"; fi
t_eq "nothing to write: no LV left behind" "$(lv_count)" "$N_LV"
vm_json_load
t_json "nothing to write: JSON wrote nothing" bytes_written 0
t_json_not_string "nothing to write: JSON names no backup snapshot" backup_snapshot
t_eq "nothing to write: origin unchanged" "$(vm_sha "$ORIGIN")" "$SHA_W"
lvremove -q -y "$VG/fresh" >/dev/null

# ---------------------------------------------------------------- b) --backup FILE, --restore, --compare, --verify
# The backup file on the guest's /tmp, a tmpfs, which in Linux 6.1 refuses
# O_DIRECT (an open with O_CREAT|O_EXCL|O_DIRECT creates the file, then
# fails with EINVAL: lvm-revert once failed there with "File exists").
BK1=/tmp/undo-backup-1.cow
rm -f "$BK1"
vm_revert -y --backup "$BK1" --verify "$VG/data" "$VG/snap"
t_eq "revert with --backup --verify: exit 0" "$REV_RC" 0
vm_show_revert
t_grep "revert with --verify: says Verified" "Verified $PLAN_BYTES bytes" "$REV_OUT"
t_eq "revert with --backup: origin equals snap" "$(vm_sha "$ORIGIN")" "$SHA_SNAP"
t_others_unchanged "revert with --backup"
if [[ -s $BK1 ]]; then t_ok "the backup file exists ($(stat -c %s "$BK1") bytes)"; else t_fail "the backup file exists"; fi
# A store in the kernel's layout: magic "SnAp", valid=1, version 1, 16 KiB chunks (32 sectors).
t_eq "the backup's header: SnAp, valid 1, version 1, 32-sector chunks" \
    "$(od -An -tu4 -N16 "$BK1" | tr -s ' ' | sed 's/^ //')" "1883336275 1 1 32"

vm_revert --compare "$VG/data" "$VG/snap"
t_eq "compare after the revert: exit 0 (same)" "$REV_RC" 0
[[ $REV_RC == 0 ]] || vm_show_revert
t_grep "compare after: says Same" "Same" "$REV_OUT"
vm_revert --compare --json "$VG/data" "$VG/snap"
t_eq "compare --json after the revert: exit 0 (same)" "$REV_RC" 0
vm_json_load
t_json "compare --json after: result compared" result '"compared"'
t_json "compare --json after: exit_status 0" exit_status 0
t_json "compare --json after: compared every chunk" compare.chunks "$CHUNKS"
t_json "compare --json after: compared the plan's bytes" compare.bytes "$PLAN_BYTES"
t_json "compare --json after: no chunk differs" compare.differing_chunks 0
t_json "compare --json after: no byte differs" compare.differing_bytes 0
t_json "compare --json after: no first difference" compare.first_difference null

t_refused "--backup to an existing file" "$ORIGIN" -y --backup "$BK1" "$VG/data" "$VG/snap"
t_grep "--backup to an existing file: says it exists" "exists" "$REV_ERR"
t_eq "--backup to an existing file: the file is left alone" "$(od -An -tu4 -N16 "$BK1" | tr -s ' ' | sed 's/^ //')" "1883336275 1 1 32"

vm_revert -y --json --restore "$BK1" --verify "$VG/data"
t_eq "--restore FILE VG/LV --verify --json: exit 0" "$REV_RC" 0
sed 's/^/# json: /' "$REV_OUT" | cut -c1-300
[[ $REV_RC == 0 ]] || vm_show_revert
vm_json_load
t_json "--restore --verify --json: result reverted" result '"reverted"'
t_json "--restore --verify --json: wrote the plan's bytes" bytes_written "$PLAN_BYTES"
t_json "--restore --verify --json: verified_bytes is the plan's" verified_bytes "$PLAN_BYTES"
t_eq "--restore: origin as before the revert" "$(vm_sha "$ORIGIN")" "$SHA_W"
t_others_unchanged "--restore"

# ---------------------------------------------------------------- c) --restore with no snapshot left
# This backup on ext4, on another LV of the same VG (mounted).
lvcreate -q -y -L 16M -n bkfs "$VG" >/dev/null
mkfs.ext4 -q -F -b 4096 "/dev/$VG/bkfs" >/dev/null 2>&1
mkdir -p /tmp/bkfs
mount -t ext4 "/dev/$VG/bkfs" /tmp/bkfs
# Should the scenario end early, unmount it, so the suite can remove the VG.
# shellcheck disable=SC2317  # invoked via trap
unmount_then_exit() {
    local rc=$?
    umount /tmp/bkfs 2>/dev/null || true
    (exit "$rc")
    _t_on_exit
}
trap unmount_then_exit EXIT
BK2=/tmp/bkfs/undo-backup-2.cow
vm_revert -y --json --backup "$BK2" "$VG/data" "$VG/snap"
t_eq "revert with --backup on ext4: exit 0" "$REV_RC" 0
[[ $REV_RC == 0 ]] || vm_show_revert
vm_json_load
t_json "revert with --backup --json: names the backup" backup "\"$BK2\""
t_json "revert with --backup --json: wrote the plan's bytes" bytes_written "$PLAN_BYTES"
t_eq "revert with --backup on ext4: origin equals snap" "$(vm_sha "$ORIGIN")" "$SHA_SNAP"
t_eq "the backup on ext4: header valid" "$(od -An -tu4 -N16 "$BK2" | tr -s ' ' | sed 's/^ //')" "1883336275 1 1 32"
lvremove -q -y "$VG/snap" "$VG/sib" >/dev/null
t_eq "no snapshot of data left" "$(lvs --noheadings -o lv_name -S origin=data "$VG" | tr -d ' ')" ""
t_eq "data is no origin any more (linear table)" "$(dmsetup table "$(vm_dm_name "$VG" data)" | awk '{ print $3 }')" linear
vm_revert -y --restore "$BK2" --verify "$VG/data"
t_eq "--restore without snapshots: exit 0" "$REV_RC" 0
vm_show_revert
t_grep "--restore --verify without snapshots: says Verified" "Verified $PLAN_BYTES bytes" "$REV_OUT"
t_eq "--restore without snapshots: origin as before the revert" "$(vm_sha "$ORIGIN")" "$SHA_W"
vm_no_suspended "--restore without snapshots: no device suspended"
umount /tmp/bkfs
rm -f "$BK1"

vm_cleanup_vg "$VG"
t_done
