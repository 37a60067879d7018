#!/usr/bin/env bash
# I/O errors in the middle of a revert, made by the kernel: the PV sits on a
# device-mapper device of our own (errpv, linear over /dev/vda), whose table
# is reloaded to put a range of sectors on the `error` target.
#   a) writes to the origin fail part-way: exit 5, the failing origin offset
#      and "run again" on stderr, nothing suspended, LVM still works; healed,
#      a re-run completes the revert.
#   b) the store's header cannot be read: exit 4 before anything is written.
#   c) store data read late cannot be read, after writes began: exit 5;
#      healed, a re-run completes the revert.
# The snapshot device itself is never read while its store has errors.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/../guest-lib.sh"

VG=errvg
PV=errpv
DISK=$(vm_disk 0)
START=2048
MIB=2048   # sectors

vm_dm_over "$PV" "$DISK" "$START"
LEN=$(blockdev --getsz "/dev/mapper/$PV")
LINEAR=$(vm_dm_table_linear "$DISK" "$START" "$LEN")
vm_make_vg "$VG" "/dev/mapper/$PV"
if pvs "$DISK" >/dev/null 2>&1; then t_fail "$DISK itself shows no PV label"; else t_ok "$DISK itself shows no PV label"; fi

# 64 MiB origin, a 64 KiB-chunk snapshot; all 64 MiB changed by one
# sequential O_DIRECT dd, so the store holds the chunks in origin order
# (chunk 0 header, chunk 1 the one metadata area, data from chunk 2 on).
lvcreate -q -y -L 64M -n data "$VG" >/dev/null
vm_fill "/dev/$VG/data" 1 64
SHA0=$(vm_sha "/dev/$VG/data")
lvcreate -q -y -s -c 64k -L 68M -n snap "$VG/data" >/dev/null
vm_fill "/dev/$VG/data" 2 64
SHA_W=$(vm_sha "/dev/$VG/data")
t_eq "snapshot shows the original" "$(vm_sha "/dev/$VG/snap")" "$SHA0"
t_ne "origin changed" "$SHA_W" "$SHA0"

# Where the origin and the store lie on errpv (sectors), from LVM's segments,
# checked against the kernel's tables.
ORIGIN_AT=$(vm_lv_pv_sector "$VG" data)
COW_AT=$(vm_lv_pv_sector "$VG" snap)
vm_log "on $PV: origin at sector $ORIGIN_AT, store at sector $COW_AT, $LEN sectors in all"
t_eq "origin placement agrees with dmsetup table" \
    "$(dmsetup table "$VG-data-real" | awk '{print $5}')" "$ORIGIN_AT"
t_eq "store placement agrees with dmsetup table" \
    "$(dmsetup table "$VG-snap-cow" | awk '{print $5}')" "$COW_AT"

# offset_in LABEL FILE WHAT LO HI: the first "WHAT offset N" in FILE, checked
# to lie in [LO, HI) bytes.
offset_in() {
    local label=$1 file=$2 what=$3 lo=$4 hi=$5 x
    x=$(sed -nE "s/.*$what offset ([0-9]+).*/\\1/p" "$file" | head -1)
    if [[ -n $x && $x -ge $lo && $x -lt $hi ]]; then
        t_ok "$label: failing $what offset $x lies in the error range [$lo, $hi)"
    else
        t_fail "$label: failing $what offset lies in the error range [$lo, $hi)" "got '${x}' from:"$'\n'"$(cat "$file")"
    fi
}

# after_failure LABEL: what an admin needs after exit 5 (checked with the
# error table still loaded).
after_failure() {
    local label=$1
    t_grep "$label: says running it again completes the revert" "again" "$REV_ERR"
    vm_no_suspended "$label: no device suspended"
    t_cmd "$label: lvs works" lvs "$VG"
    t_cmd "$label: lvs -a works" lvs -a "$VG"
    t_snap_valid "$label: dmsetup status: snapshot valid" "$VG" snap
    t_cmd "$label: VG lock free" flock -n -x "/run/lock/lvm/V_$VG" true
}

# --- a) writes to the origin fail at 40..48 MiB --------------------------------
ES=$((ORIGIN_AT + 40 * MIB))
EL=$((8 * MIB))
vm_dm_reload "$PV" "$(vm_dm_table_error "$DISK" "$START" "$LEN" "$ES" "$EL")"
vm_revert -y "$VG/data" "$VG/snap"
t_eq "origin write errors: exit 5" "$REV_RC" 5
vm_show_revert
offset_in "origin write errors" "$REV_ERR" origin $(((ES - ORIGIN_AT) * 512)) $(((ES + EL - ORIGIN_AT) * 512))
t_grep "origin write errors: says Input/output error" "Input/output error" "$REV_ERR"
after_failure "origin write errors"
vm_dm_reload "$PV" "$LINEAR"
t_eq "origin write errors: the first 8 MiB were reverted before the failure" \
    "$(vm_sha_range "/dev/$VG/data" 0 8)" "$(vm_sha_range "/dev/$VG/snap" 0 8)"
t_ne "origin write errors: origin partly reverted" "$(vm_sha "/dev/$VG/data")" "$SHA0"
vm_revert -y "$VG/data" "$VG/snap"
t_eq "healed, re-run: exit 0" "$REV_RC" 0
[[ $REV_RC == 0 ]] || vm_show_revert
t_eq "healed, re-run: origin equals the snapshot" "$(vm_sha "/dev/$VG/data")" "$SHA0"
t_eq "healed, re-run: snapshot unchanged" "$(vm_sha "/dev/$VG/snap")" "$SHA0"
t_snap_valid "healed, re-run: snapshot valid" "$VG" snap
vm_no_suspended "healed, re-run: no device suspended"

# --- b) the store's first MiB (header, metadata, first data) unreadable -------
vm_fill "/dev/$VG/data" 3 64   # changed again (chunks the store already holds)
SHA_W3=$(vm_sha "/dev/$VG/data")
t_ne "changed again" "$SHA_W3" "$SHA0"
vm_dm_reload "$PV" "$(vm_dm_table_error "$DISK" "$START" "$LEN" "$COW_AT" "$MIB")"
vm_revert -y "$VG/data" "$VG/snap"
t_eq "store header unreadable: exit 4" "$REV_RC" 4
vm_show_revert
t_grep "store header unreadable: says Input/output error" "Input/output error" "$REV_ERR"
t_grep "store header unreadable: names the store" "$VG-snap-cow" "$REV_ERR"
t_eq "store header unreadable: origin unchanged" "$(vm_sha "/dev/$VG/data")" "$SHA_W3"
vm_no_suspended "store header unreadable: no device suspended"
t_snap_valid "store header unreadable: snapshot valid" "$VG" snap
vm_dm_reload "$PV" "$LINEAR"

# --- c) the store's last 8 MiB of data unreadable: read after writes began ----
# Data chunk k (64 KiB) of the store is at 128 KiB + k * 64 KiB; the copier
# has at most 16 buffers of 2 MiB in flight, so data past 32 MiB is read
# only once earlier buffers were written.
ES=$((COW_AT + 256 + 56 * MIB))
EL=$((8 * MIB))
vm_dm_reload "$PV" "$(vm_dm_table_error "$DISK" "$START" "$LEN" "$ES" "$EL")"
vm_revert -y "$VG/data" "$VG/snap"
t_eq "late store read errors: exit 5" "$REV_RC" 5
vm_show_revert
offset_in "late store read errors" "$REV_ERR" store $(((ES - COW_AT) * 512)) $(((ES + EL - COW_AT) * 512))
after_failure "late store read errors"
vm_dm_reload "$PV" "$LINEAR"
t_eq "late store read errors: the first 8 MiB were reverted before the failure" \
    "$(vm_sha_range "/dev/$VG/data" 0 8)" "$(vm_sha_range "/dev/$VG/snap" 0 8)"
vm_revert -y "$VG/data" "$VG/snap"
t_eq "healed, re-run: exit 0" "$REV_RC" 0
[[ $REV_RC == 0 ]] || vm_show_revert
t_eq "healed, re-run: origin equals the snapshot" "$(vm_sha "/dev/$VG/data")" "$SHA0"
t_eq "healed, re-run: snapshot unchanged" "$(vm_sha "/dev/$VG/snap")" "$SHA0"
t_snap_valid "healed, re-run: snapshot valid" "$VG" snap
vm_no_suspended "healed, re-run: no device suspended"

vm_cleanup_vg "$VG"
pvremove -q -y "/dev/mapper/$PV" >/dev/null 2>&1 || true
dmsetup remove "$PV"
t_eq "errpv removed" "$(dmsetup ls | grep -c "^$PV" || true)" 0
t_done
