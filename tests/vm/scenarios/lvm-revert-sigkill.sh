#!/usr/bin/env bash
# No device is left suspended when lvm-revert is stopped by a signal it can
# catch (SIGINT, SIGHUP, SIGQUIT in the middle of the copy; SIGTERM is in
# lvm-revert-locking). SIGKILL cannot be caught: killed while the snapshot is
# suspended, it leaves the snapshot suspended. Then the VG lock is free, a
# new lvm-revert refuses and names the recovery command, `dmsetup resume`
# recovers, the snapshot is intact and a re-run completes the revert.
# Uses the LVM_REVERT_DEBUG_PAUSE=copying:SECONDS hook (pause after the
# first completed write, with the snapshot suspended).
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/../guest-lib.sh"

VG=sigvg
SNAP_DM=$(vm_dm_name "$VG" snap)
LOCK=/run/lock/lvm/V_$VG
vm_make_vg "$VG" "$(vm_disk 0)"
lvcreate -q -y -L 16M -n data "$VG" >/dev/null
vm_fill "/dev/$VG/data" 1 16
lvcreate -q -y -s -c 4k -L 12M -n snap "$VG/data" >/dev/null
SNAP_SHA=$(vm_sha "/dev/$VG/snap")
# A long run and scattered blocks, so the copy has several writes.
vm_fill "/dev/$VG/data" 2 6 2
vm_write_blocks "/dev/$VG/data" 3 0 2500 2600 3000 3500 4095
SHA_W=$(vm_sha "/dev/$VG/data")
t_ne "origin changed" "$SHA_W" "$SNAP_SHA"

ORIGIN_DM=$(vm_dm_name "$VG" data)

# start_paused LABEL SECONDS ARGS...: lvm-revert ARGS in the background
# (pid in RP, output in /tmp/sigvg.{out,err}), pausing in the copy; returns
# once the origin has completed a write of the revert and the snapshot is
# suspended (two TAP checks).
start_paused() {
    local label=$1 secs=$2 base
    shift 2
    base=$(vm_dm_writes_done "$ORIGIN_DM")
    LVM_REVERT_DEBUG_PAUSE=copying:$secs "$LVM_REVERT" "$@" </dev/null >/tmp/sigvg.out 2>/tmp/sigvg.err &
    RP=$!
    vm_bg_add "$RP"
    if vm_wait_writes_done "$ORIGIN_DM" "$base" "$RP" 20; then t_ok "$label: the copy has written to the origin"; else
        t_fail "$label: the copy has written to the origin" "$(cat /tmp/sigvg.out /tmp/sigvg.err)"; fi
    if vm_wait_suspended "$SNAP_DM" "$RP" 5; then t_ok "$label: snapshot suspended while copying"; else
        t_fail "$label: snapshot suspended while copying" "$(cat /tmp/sigvg.err)"; fi
}

lock_held() {
    [[ -e $LOCK ]] || return 1
    local ino
    ino=$(stat -c %i "$LOCK")
    awk -v ino="$ino" '$2 == "FLOCK" { n = split($6, f, ":"); if (f[n] == ino) found = 1 }
        END { exit !found }' /proc/locks
}

# --- signals it catches: stopped cleanly, nothing left suspended ----------------
for sig in INT HUP QUIT; do
    start_paused "SIG$sig" 20 -y "$VG/data" "$VG/snap"
    kill -"$sig" "$RP" || true
    rc=0
    wait "$RP" || rc=$?
    t_eq "SIG$sig while copying: exit 5" "$rc" 5
    [[ $rc == 5 ]] || sed 's/^/# /' /tmp/sigvg.out /tmp/sigvg.err
    t_grep "SIG$sig while copying: says interrupted" "interrupted" /tmp/sigvg.err
    vm_no_suspended "SIG$sig while copying: no device suspended"
    t_snap_valid "SIG$sig while copying: snapshot valid" "$VG" snap
done
t_eq "after the caught signals: snapshot unchanged" "$(vm_sha "/dev/$VG/snap")" "$SNAP_SHA"
vm_fill "/dev/$VG/data" 2 6 2
vm_write_blocks "/dev/$VG/data" 3 0 2500 2600 3000 3500 4095
t_eq "changed again: same state as before" "$(vm_sha "/dev/$VG/data")" "$SHA_W"

# --- SIGKILL while the snapshot is suspended ----------------------------------
start_paused SIGKILL 30 -y "$VG/data" "$VG/snap"
kill -KILL "$RP" || true
rc=0
{ wait "$RP"; } 2>/dev/null || rc=$?   # no "Killed" job notice
t_eq "SIGKILL: killed (exit 137)" "$rc" 137

# What the admin sees.
vm_log "after SIGKILL: \$ dmsetup info $SNAP_DM"
dmsetup info "$SNAP_DM" | sed 's/^/#   /'
vm_log "after SIGKILL: \$ dmsetup info -c -o name,attr,suspended,open"
dmsetup info -c -o name,attr,suspended,open | sed 's/^/#   /'
vm_log "after SIGKILL: \$ dmsetup status $SNAP_DM: $(dmsetup status "$SNAP_DM")"
vm_log "after SIGKILL: \$ lvs -a -o lv_name,lv_attr,origin,snap_percent $VG"
timeout 60 lvs -a -o lv_name,lv_attr,origin,snap_percent "$VG" 2>&1 | sed 's/^/#   /'
t_eq "SIGKILL: dmsetup shows the snapshot suspended" "$(vm_dm_state "$SNAP_DM")" Suspended
t_eq "SIGKILL: lvs shows the snapshot suspended (5th attr 's')" \
    "$(timeout 60 lvs --noheadings -o lv_attr "$VG/snap" 2>/dev/null | tr -d ' ' | cut -c5)" s
t_eq "SIGKILL: only the snapshot is suspended" \
    "$(dmsetup info -c --noheadings -o name,suspended --separator ' ' | awk '$2 != "Active" { print $1 }' | tr '\n' ' ')" \
    "$SNAP_DM "
if lock_held; then t_fail "SIGKILL: no flock left on V_$VG" "$(cat /proc/locks)"; else
    t_ok "SIGKILL: no flock left on V_$VG"; fi
t_cmd "SIGKILL: the VG lock can be taken (flock -n)" flock -n -x "$LOCK" true
t_cmd "SIGKILL: vgs gets the VG lock without waiting" \
    timeout 60 vgs --config 'global/wait_for_locks=0' "$VG"
SHA_K=$(vm_sha "/dev/$VG/data")
t_ne "SIGKILL: origin partly reverted" "$SHA_K" "$SHA_W"

# A new lvm-revert must refuse and say how to recover. Run in the background:
# anything that reads the suspended snapshot blocks until it is resumed.
"$LVM_REVERT" -y "$VG/data" "$VG/snap" </dev/null >"$REV_OUT" 2>"$REV_ERR" &
RP=$!
vm_bg_add "$RP"
n=0
while kill -0 "$RP" 2>/dev/null && ((n++ < 200)); do sleep 0.1; done
if kill -0 "$RP" 2>/dev/null; then
    t_fail "on a suspended snapshot: lvm-revert ends by itself (not blocked)" \
        "still running after 20 s: $(cat "/proc/$RP/wchan" 2>/dev/null) $(tr '\0' ' ' <"/proc/$RP/cmdline")"
    HUNG=1
else
    t_ok "on a suspended snapshot: lvm-revert ends by itself (not blocked)"
    HUNG=0
fi
if [[ $HUNG == 0 ]]; then
    REV_RC=0
    wait "$RP" || REV_RC=$?
    t_eq "on a suspended snapshot: exit 4" "$REV_RC" 4
    vm_show_revert
    t_grep "on a suspended snapshot: names the recovery command" "dmsetup resume $SNAP_DM" "$REV_ERR"
    t_eq "on a suspended snapshot: origin unchanged" "$(vm_sha "/dev/$VG/data")" "$SHA_K"
    t_eq "on a suspended snapshot: snapshot left as it was (suspended)" "$(vm_dm_state "$SNAP_DM")" Suspended
fi

# The recovery command, exactly.
vm_log "\$ dmsetup resume $SNAP_DM"
t_cmd "dmsetup resume $SNAP_DM" dmsetup resume "$SNAP_DM"
if [[ $HUNG == 1 ]]; then
    REV_RC=0
    wait "$RP" || REV_RC=$?
    vm_log "the blocked lvm-revert ended after the resume: exit $REV_RC"
    vm_show_revert
fi
vm_no_suspended "after dmsetup resume: no device suspended"
t_snap_valid "after dmsetup resume: snapshot valid" "$VG" snap
t_eq "after dmsetup resume: snapshot unchanged" "$(vm_sha "/dev/$VG/snap")" "$SNAP_SHA"
vm_revert -y "$VG/data" "$VG/snap"
t_eq "re-run: exit 0" "$REV_RC" 0
[[ $REV_RC == 0 ]] || vm_show_revert
t_eq "re-run: origin equals the snapshot" "$(vm_sha "/dev/$VG/data")" "$SNAP_SHA"
t_eq "re-run: snapshot unchanged" "$(vm_sha "/dev/$VG/snap")" "$SNAP_SHA"
t_snap_valid "re-run: snapshot valid" "$VG" snap
vm_no_suspended "re-run: no device suspended"

vm_cleanup_vg "$VG"
t_done
