#!/usr/bin/env bash
# Refusals of the LVM form (names, command line, open and mounted devices):
# exit 4, a "lvm-revert: " error naming the reason, the origin byte-identical
# afterwards and no device left suspended; names that cannot be a pair
# whatever LVM holds (one LV twice, two VGs) are a bad command line, exit 3.
# Refusals that depend on the state of the LVs: lvm-revert-refusals-state.sh.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/../guest-lib.sh"

VG=refvg
MNT=/tmp/refvg-mnt
mkdir -p "$MNT"
vm_make_vg "$VG" "$(vm_disk 0)"
lvcreate -q -y -L 8M -n data "$VG" >/dev/null
vm_fill "/dev/$VG/data" 1 8
lvcreate -q -y -s -c 4k -L 12M -n snap "$VG/data" >/dev/null
vm_fill "/dev/$VG/data" 2 1 3
vm_write_blocks "/dev/$VG/data" 3 0 1000 2047

O=/dev/$VG/data

# t_bad_command_line LABEL DEV ARGS...: like t_refused, but exit 3 (a bad
# command line: nothing was opened).
t_bad_command_line() {
    local label=$1 dev=$2 before
    shift 2
    before=$(vm_sha "$dev")
    vm_revert "$@"
    t_eq "$label: exit 3" "$REV_RC" 3
    if [[ $REV_RC == 3 ]]; then sed 's/^/# err: /' "$REV_ERR" | cut -c1-300; else vm_show_revert; fi
    t_egrep "$label: error starts with 'lvm-revert: '" '^lvm-revert: ' "$REV_ERR"
    t_eq "$label: origin unchanged" "$(vm_sha "$dev")" "$before"
    vm_no_suspended "$label: no device suspended"
}

# --- names that do not fit -------------------------------------------------
t_refused "LV missing" "$O" -y "$VG/nosuch" "$VG/snap"
t_grep "LV missing: message" "logical volume $VG/nosuch not found" "$REV_ERR"
t_refused "snapshot missing" "$O" -y "$VG/data" "$VG/nosnap"
t_grep "snapshot missing: message" "logical volume $VG/nosnap not found" "$REV_ERR"
t_refused "VG missing" "$O" -y novg/data novg/snap
t_egrep "VG missing: message" 'novg(/data)? not found' "$REV_ERR"

lvcreate -q -y -L 4M -n plain "$VG" >/dev/null
t_refused "ordinary LV as snapshot" "$O" -y "$VG/data" "$VG/plain"
t_grep "ordinary LV as snapshot: message" "is not a snapshot" "$REV_ERR"
t_bad_command_line "origin as its own snapshot" "$O" -y "$VG/data" "$VG/data"
t_grep "origin as its own snapshot: message" "cannot be its own snapshot" "$REV_ERR"
t_refused "arguments swapped" "$O" -y "$VG/snap" "$VG/data"
t_grep "arguments swapped: message" "is not a snapshot" "$REV_ERR"

lvcreate -q -y -L 4M -n other "$VG" >/dev/null
lvcreate -q -y -s -c 4k -L 4M -n osnap "$VG/other" >/dev/null
t_refused "snapshot of another origin" "$O" -y "$VG/data" "$VG/osnap"
t_grep "snapshot of another origin: message" "is not a snapshot of $VG/data" "$REV_ERR"
lvremove -q -y "$VG/osnap" "$VG/other" "$VG/plain" >/dev/null

# Another VG, on a loop device.
truncate -s 16M /tmp/refvg2.img
LOOP=$(losetup -f --show /tmp/refvg2.img)
pvcreate -q -ff -y "$LOOP" >/dev/null
vgcreate -q refvg2 "$LOOP" >/dev/null
lvcreate -q -y -Zn -L 4M -n data refvg2 >/dev/null 2>&1
# Names in two VGs are a set of snapshots (lvm-revert(8), SETS), and an
# origin is none: refused, nothing written.
t_refused "different VGs" "$O" -y refvg2/data "$VG/snap"
t_grep "different VGs: message" "refvg2/data is not a snapshot, so it has no origin to revert" "$REV_ERR"
vm_cleanup_vg refvg2
losetup -d "$LOOP"
rm -f /tmp/refvg2.img

# --- command line ----------------------------------------------------------
# One LV alone names the snapshot (its origin is found, as lvconvert --merge
# does): an LV that is no snapshot has no origin to revert.
t_refused "one LV alone, no snapshot" "$O" -y "$VG/data"
t_grep "one LV alone, no snapshot: message" "is not an old-style snapshot, so it has no origin" "$REV_ERR"

t_refused "no -y, stdin not a terminal" "$O" "$VG/data" "$VG/snap"
t_grep "no -y, stdin not a terminal: message" "standard input is not a terminal" "$REV_ERR"

# --- open devices ----------------------------------------------------------
vm_hold_open "$O"
t_eq "holder: origin open count 1" "$(vm_open_count "$VG-data")" 1
t_refused "origin open by a process" "$O" -y "$VG/data" "$VG/snap"
t_egrep "origin open by a process: message" 'is open|is in use' "$REV_ERR"
vm_release "$VM_HOLD_PID"

vm_hold_open "/dev/$VG/snap"
t_eq "holder: snapshot open count 1" "$(vm_open_count "$VG-snap")" 1
t_refused "snapshot open by a process" "$O" -y "$VG/data" "$VG/snap"
t_egrep "snapshot open by a process: message" 'is open|is in use' "$REV_ERR"
vm_release "$VM_HOLD_PID"

# A device stacked on the origin (as dm-crypt or a nested PV would be).
dmsetup create refvg-stacked --table "0 $(blockdev --getsz "$O") linear $O 0"
t_cmd "stacked device holds the origin" test -n "$(ls "/sys/block/$(basename "$(readlink -f "$O")")/holders")"
t_refused "device stacked on the origin" "$O" -y "$VG/data" "$VG/snap"
t_egrep "device stacked on the origin: message" 'is open|is held by' "$REV_ERR"
dmsetup remove refvg-stacked

# The origin as an active swap area.
dd if="$O" of=/tmp/refvg-origin.img bs=1M iflag=direct status=none
if mkswap -q "$O" >/dev/null 2>&1 && swapon "$O" 2>/dev/null; then
    t_refused "origin an active swap area" "$O" -y "$VG/data" "$VG/snap"
    t_egrep "origin an active swap area: message" 'is open|active swap area' "$REV_ERR"
    swapoff "$O"
else
    t_fail "origin an active swap area" "mkswap/swapon failed in the guest"
fi
dd if=/tmp/refvg-origin.img of="$O" bs=1M oflag=direct status=none
rm -f /tmp/refvg-origin.img

# --- mounted filesystems ---------------------------------------------------
lvcreate -q -y -L 16M -n fs "$VG" >/dev/null
mkfs.ext4 -q -E lazy_itable_init=0,lazy_journal_init=0 "/dev/$VG/fs"
lvcreate -q -y -s -c 4k -L 8M -n fssnap "$VG/fs" >/dev/null
mount "/dev/$VG/fs" "$MNT"
echo hello >"$MNT/file"
sync
t_eq "mounted origin: open count 1" "$(vm_open_count "$VG-fs")" 1
t_refused "origin mounted" "/dev/$VG/fs" -y --remove-snapshot "$VG/fs" "$VG/fssnap"
t_grep "origin mounted: message" "is mounted on" "$REV_ERR"
umount "$MNT"
if lvs "$VG/fssnap" >/dev/null 2>&1; then
    t_ok "refused with --remove-snapshot: snapshot kept"
    mount -o ro "/dev/$VG/fssnap" "$MNT"
    t_eq "mounted snapshot: open count 1" "$(vm_open_count "$VG-fssnap")" 1
    t_refused "snapshot mounted" "/dev/$VG/fs" -y "$VG/fs" "$VG/fssnap"
    t_grep "snapshot mounted: message" "is mounted on" "$REV_ERR"
    umount "$MNT"
else
    t_fail "refused with --remove-snapshot: snapshot kept" "$(lvs -a "$VG" 2>&1)"
fi
lvremove -q -y "$VG/fs" >/dev/null

vm_cleanup_vg "$VG"
t_done
