#!/usr/bin/env bash
# A shared VG under lvmlockd and sanlock (lvmlockd(8)), on one host: an
# origin active exclusively here reverts exactly and its snapshot stays
# valid; active shared, with the lockspace stopped or with lvmlockd stopped,
# the revert is refused with the command that fixes it and nothing written;
# --at-next-boot is refused; another host's metadata change during the copy
# is named (exit 5). sanlock runs without its watchdog (the guest has none).
# LVM reads its configuration from a copy (LVM_SYSTEM_DIR): /etc is read-only.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/../guest-lib.sh"

VG=lkvg
DISK=$(vm_disk 0)
export LVM_SYSTEM_DIR=/tmp/lvm-shared-vg
mkdir -p "$LVM_SYSTEM_DIR" /run/lvm
sed 's/^\s*# use_lvmlockd = 0/\tuse_lvmlockd = 1/' /etc/lvm/lvm.conf >"$LVM_SYSTEM_DIR/lvm.conf"
printf 'local {\n  host_id = 1\n}\n' >"$LVM_SYSTEM_DIR/lvmlocal.conf"

# The VG is wiped with the disk at the end: without lvmlockd (which this
# scenario stops) LVM cannot remove a shared VG, and the suite's clean-up
# runs without use_lvmlockd, which skips it.
# sanlock keeps the lvmlock LV open while it holds the lockspace.
# shellcheck disable=SC2317  # invoked via trap
stop_locking() {
    vm_kill_bg
    pkill -KILL -x sanlock || true
    for _ in $(seq 50); do pgrep -x sanlock >/dev/null || break; sleep 0.1; done
    dmsetup remove_all >/dev/null 2>&1 || true
    dd if=/dev/zero of="$DISK" bs=1M count=8 oflag=direct status=none || true
}
trap 'rc=$?; stop_locking; (exit $rc); _t_on_exit' EXIT

# A fixed host name: a restarted sanlock then reacquires its lease at once.
sanlock daemon -w 0 -U root -G root -e lvm-revert-test
# A 2 s sanlock I/O timeout (default 10): joining a lockspace takes twice it.
lvmlockd -f -o 2 >/tmp/lvmlockd.log 2>&1 &
vm_bg_add $!
for _ in $(seq 50); do lvmlockctl --info >/dev/null 2>&1 && break; sleep 0.1; done
t_cmd "setup: lvmlockd answers" lvmlockctl --info
dd if=/dev/zero of="$DISK" bs=1M count=8 oflag=direct status=none
# The first sanlock VG goes on a device without a PV label (lvmlockd(8)).
vgcreate -q --shared "$VG" "$DISK" >/dev/null 2>&1
t_eq "setup: the VG is shared" "$(vgs --noheadings -o vg_lock_type "$VG" | tr -d ' ')" sanlock
lvcreate -q -y -L 8M -n data "$VG" >/dev/null
vm_fill "/dev/$VG/data" 1 8
lvcreate -q -y -s -c 4k -L 8M -n snap "$VG/data" >/dev/null
vm_write_blocks "/dev/$VG/data" 2 0 7 100 1500
O=/dev/$VG/data
SNAP_SHA=$(vm_sha "/dev/$VG/snap")
UUID=$(lvs --noheadings -o lv_uuid "$VG/data" | tr -d ' ')
lvmlockctl --info >/tmp/lvmlockctl.info
t_grep "setup: lvmlockd holds the origin ex" "LK LV ex $UUID" /tmp/lvmlockctl.info

# --- active shared -------------------------------------------------------------
lvchange -q -an "$VG/data"
lvchange -q -asy "$VG/data"
vm_mknodes
t_refused "active shared" "$O" -y "$VG/data" "$VG/snap"
t_grep "active shared: says so, and what fixes it" \
    "lvm-revert: $VG/data is active shared (lvmlockd holds its lock sh, so other hosts may have it active too): lvm-revert writes only an origin active exclusively on this host (lvchange -aey $VG/data, once no other host has it active)" "$REV_ERR"
lvchange -q -aey "$VG/data"

# --- exclusive here --------------------------------------------------------------
vm_revert -y -v "$VG/data" "$VG/snap"
t_eq "exclusive: exit 0" "$REV_RC" 0
[[ $REV_RC == 0 ]] || vm_show_revert
t_eq "exclusive: origin equals the snapshot" "$(vm_sha "$O")" "$SNAP_SHA"
t_snap_valid "exclusive: snapshot still valid" "$VG" snap
t_grep "exclusive: -v names the lock type" \
    "volume group $VG: system ID none, lock type sanlock; this host's system ID none" "$REV_ERR"
t_eq "exclusive: no tag left" "$(lvs --noheadings -o lv_tags "$VG/snap" | tr -d ' ')" ""

# --- at the next boot ------------------------------------------------------------
vm_write_blocks "$O" 3 0 9
t_refused "--at-next-boot" "$O" --at-next-boot "$VG/data" "$VG/snap"
t_grep "--at-next-boot: says why" \
    "lvm-revert: volume group $VG is shared (lock type sanlock), and the initramfs runs no lvmlockd to hold its locks" "$REV_ERR"
t_eq "--at-next-boot: no tag" "$(lvs --noheadings -o lv_tags "$VG/snap" | tr -d ' ')" ""

# --- another host changes the VG during the copy -----------------------------------
# (This host plays it: --nolocking passes our flock and lvmlockd's lock.)
LVM_REVERT_DEBUG_PAUSE=copying:3 "$LVM_REVERT" -y "$VG/data" "$VG/snap" \
    </dev/null >"$REV_OUT" 2>"$REV_ERR" &
pid=$!
vm_bg_add "$pid"
for _ in $(seq 100); do grep -q "pausing" "$REV_ERR" && break; sleep 0.1; done
lvm lvchange -q --nolocking --config devices/ignore_suspended_devices=1 --addtag theirs \
    "$VG/data" >/dev/null
REV_RC=0
wait "$pid" || REV_RC=$?
t_eq "changed during the copy: exit 5" "$REV_RC" 5
[[ $REV_RC == 5 ]] || vm_show_revert
t_egrep "changed during the copy: names the change" \
    "^lvm-revert: volume group $VG changed while lvm-revert wrote $VG/data \(metadata seqno [0-9]+ -> [0-9]+; another host\?\): $VG/data tags none -> theirs" "$REV_ERR"
t_eq "changed during the copy: the mark stays" \
    "$(lvs --noheadings -o lv_tags "$VG/snap" | tr -d ' ')" lvm_revert_incomplete
vm_revert -y "$VG/data" "$VG/snap"
t_eq "changed during the copy: a re-run completes it" "$REV_RC" 0
t_eq "changed during the copy: origin equals the snapshot" "$(vm_sha "$O")" "$SNAP_SHA"
t_eq "changed during the copy: mark gone" "$(lvs --noheadings -o lv_tags "$VG/snap" | tr -d ' ')" ""

# --- lockspace stopped -------------------------------------------------------------
# The origin must be inactive to stop the lockspace: its bytes are read
# from the PV.
vm_write_blocks "$O" 4 0 9
lvchange -q -an "$VG/data"
ORIGIN_AT=$(vm_lv_pv_sector "$VG" data)
on_pv_sha() { dd if="$DISK" bs=512 skip="$ORIGIN_AT" count=16384 iflag=direct status=none | sha256sum | cut -d' ' -f1; }
BEFORE=$(on_pv_sha)
vgchange -q --lockstop "$VG" >/dev/null
vm_revert -y "$VG/data" "$VG/snap"
t_eq "lockspace stopped: exit 4" "$REV_RC" 4
t_grep "lockspace stopped: says so, and what fixes it" \
    "lvm-revert: volume group $VG is shared (lock type sanlock) and its lockspace is not started on this host: run vgchange --lockstart $VG, then lvchange -aey $VG/data" "$REV_ERR"
t_eq "lockspace stopped: origin unchanged" "$(on_pv_sha)" "$BEFORE"
t_eq "lockspace stopped: no tag" "$(lvs --noheadings -o lv_tags "$VG/snap" 2>/dev/null | tr -d ' ')" ""
# Without udev, the lvmlock LV's node can lag its activation.
vgchange -q --lockstart "$VG" >/dev/null 2>&1 || { vm_mknodes; vgchange -q --lockstart "$VG" >/dev/null; }
lvchange -q -aey "$VG/data"
vm_mknodes
t_eq "lockspace restarted: origin as it was" "$(vm_sha "$O")" "$BEFORE"

# --- lvmlockd stopped ----------------------------------------------------------------
vm_kill_bg
t_cmd "lvmlockd stopped: lvmlockctl fails" bash -c '! lvmlockctl --info >/dev/null 2>&1'
t_refused "lvmlockd stopped" "$O" -y "$VG/data" "$VG/snap"
t_grep "lvmlockd stopped: says so, and what fixes it" \
    "lvm-revert: volume group $VG is shared (lock type sanlock) and lvmlockd is not running here (lvmlockctl --info: Cannot connect to lvmlockd.): start lvmlockd, then run vgchange --lockstart $VG and lvchange -aey $VG/data" "$REV_ERR"
t_refused "lvmlockd stopped, dry run" "$O" --dry-run "$VG/data" "$VG/snap"
t_done
