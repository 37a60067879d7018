#!/usr/bin/env bash
# While lvm-revert runs it holds LVM's VG lock: LVM commands that change the
# VG fail (no waiting) or wait (default) until it is done. A SIGTERM stops it
# cleanly: nothing left suspended, the snapshot intact, exit 4 before the
# first write and 5 after, and running it again completes the revert.
# Uses the LVM_REVERT_DEBUG_PAUSE=STAGE:SECONDS test hook.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/../guest-lib.sh"

VG=lockvg
LOCK=/run/lock/lvm/V_$VG
vm_make_vg "$VG" "$(vm_disk 0)"
lvcreate -q -y -L 16M -n data "$VG" >/dev/null
vm_fill "/dev/$VG/data" 1 16
lvcreate -q -y -s -c 4k -L 12M -n snap "$VG/data" >/dev/null
SNAP_SHA=$(vm_sha "/dev/$VG/snap")
# Several runs to copy: a long one and scattered blocks.
vm_fill "/dev/$VG/data" 2 6 2
vm_write_blocks "/dev/$VG/data" 3 0 2500 2600 3000 3500 4095

# start_paused STAGE SECONDS ARGS...: run lvm-revert ARGS in the background
# with the pause hook; its pid is in RP, its output in /tmp/lockvg.{out,err}.
start_paused() {
    local stage=$1 secs=$2
    shift 2
    LVM_REVERT_DEBUG_PAUSE=$stage:$secs "$LVM_REVERT" "$@" </dev/null >/tmp/lockvg.out 2>/tmp/lockvg.err &
    RP=$!
    vm_bg_add "$RP"
}

# wait_for_lock PID: until someone holds an exclusive flock on $LOCK (read
# from /proc/locks, not probed with flock, which could disturb the holder);
# fails if PID ends first.
wait_for_lock() {
    local pid=$1 ino tries=300
    while ((tries-- > 0)); do
        if [[ -e $LOCK ]]; then
            ino=$(stat -c %i "$LOCK")
            if awk -v ino="$ino" '$2 == "FLOCK" && $4 == "WRITE" {
                    n = split($6, f, ":"); if (f[n] == ino) found = 1 } END { exit !found }' /proc/locks; then
                return 0
            fi
        fi
        kill -0 "$pid" 2>/dev/null || return 1
        sleep 0.05
    done
    return 1
}

# wait_for_suspend PID SECONDS: until a device of the VG is suspended (the
# copying stage suspends the snapshot), PID ends, or about SECONDS pass.
wait_for_suspend() {
    local pid=$1 tries=$(($2 * 10))
    while ((tries-- > 0)); do
        if dmsetup info -c --noheadings -o name,suspended --separator ' ' 2>/dev/null |
            awk -v vg="$VG-" 'index($1, vg) == 1 && $2 != "Active" { f = 1 } END { exit !f }'; then
            return 0
        fi
        kill -0 "$pid" 2>/dev/null || return 1
        sleep 0.1
    done
    return 1
}

# --- the VG lock -------------------------------------------------------------
SHA_W=$(vm_sha "/dev/$VG/data")
start_paused locked 8 -y "$VG/data" "$VG/snap"
if wait_for_lock "$RP"; then t_ok "lvm-revert holds V_$VG exclusively"; else
    t_fail "lvm-revert holds V_$VG exclusively" "$(cat /proc/locks; ls -la /run/lock/lvm)"; fi
rc=0
lvcreate --config 'global/wait_for_locks=0' -L 4M -n intruder "$VG" >/tmp/lockvg-intruder.out 2>&1 || rc=$?
sed 's/^/# intruder: /' /tmp/lockvg-intruder.out
t_ne "lvcreate without waiting fails while locked" "$rc" 0
t_grep "lvcreate says it could not get the lock" "lock" /tmp/lockvg-intruder.out
(
    rc=0
    lvcreate -q -y -L 4M -n waiter "$VG" >/tmp/lockvg-waiter.out 2>&1 || rc=$?
    echo "$rc" >/tmp/lockvg-waiter.rc
) &
W=$!
vm_bg_add "$W"
sleep 2
t_cmd "a waiting lvcreate is still waiting" test ! -e /tmp/lockvg-waiter.rc
t_cmd "lvm-revert still running" kill -0 "$RP"
rc=0
wait "$RP" || rc=$?
t_eq "lvm-revert (paused while locked): exit 0" "$rc" 0
[[ $rc == 0 ]] || sed 's/^/# /' /tmp/lockvg.out /tmp/lockvg.err
wait "$W" || true
t_eq "the waiting lvcreate got through afterwards" "$(cat /tmp/lockvg-waiter.rc 2>/dev/null)" 0
t_eq "origin reverted" "$(vm_sha "/dev/$VG/data")" "$SNAP_SHA"
if lvs "$VG/intruder" >/dev/null 2>&1; then t_fail "no intruder LV"; else t_ok "no intruder LV"; fi
t_cmd "lvcreate without waiting succeeds afterwards" \
    lvcreate -q -y --config 'global/wait_for_locks=0' -L 4M -n intruder "$VG"
lvremove -q -y "$VG/intruder" "$VG/waiter" >/dev/null
vm_no_suspended "after the locked pause: no device suspended"

# --- SIGTERM before anything was written -------------------------------------
vm_fill "/dev/$VG/data" 2 6 2
vm_write_blocks "/dev/$VG/data" 3 0 2500 2600 3000 3500 4095
t_eq "written again: same state as before" "$(vm_sha "/dev/$VG/data")" "$SHA_W"
start_paused locked 10 -y "$VG/data" "$VG/snap"
wait_for_lock "$RP" || vm_log "lock not seen; sending SIGTERM anyway"
kill -TERM "$RP" || true
rc=0
wait "$RP" || rc=$?
t_eq "SIGTERM while locked: exit 4" "$rc" 4
sed 's/^/# /' /tmp/lockvg.out /tmp/lockvg.err
t_grep "SIGTERM while locked: says interrupted" "interrupted" /tmp/lockvg.out /tmp/lockvg.err
t_eq "SIGTERM while locked: origin unchanged" "$(vm_sha "/dev/$VG/data")" "$SHA_W"
vm_no_suspended "SIGTERM while locked: no device suspended"
t_cmd "SIGTERM while locked: lock released" \
    lvcreate -q -y --config 'global/wait_for_locks=0' -L 4M -n probe "$VG"
lvremove -q -y "$VG/probe" >/dev/null 2>&1 || true

# --- SIGTERM in the middle of the copy ---------------------------------------
# With -y the snapshot is suspended before the store is read, so a signal
# right after the suspend comes before any write (exit 4): wait for a
# completed write to the origin, which the copying pause follows.
ORIGIN_DM=$(vm_dm_name "$VG" data)
WRITES_BEFORE=$(vm_dm_writes_done "$ORIGIN_DM")
start_paused copying 15 -y "$VG/data" "$VG/snap"
if wait_for_suspend "$RP" 14 && vm_wait_writes_done "$ORIGIN_DM" "$WRITES_BEFORE" "$RP" 14; then
    vm_log "copying pause: suspended: $(dmsetup info -c --noheadings -o name,suspended --separator ' ' | grep -v ' Active$' | tr '\n' ' ')"
else
    vm_log "copying pause: no completed write seen; sending SIGTERM anyway"
fi
kill -TERM "$RP" || true
rc=0
wait "$RP" || rc=$?
t_eq "SIGTERM while copying: exit 5" "$rc" 5
sed 's/^/# /' /tmp/lockvg.out /tmp/lockvg.err
t_grep "SIGTERM while copying: says interrupted" "interrupted" /tmp/lockvg.out /tmp/lockvg.err
vm_no_suspended "SIGTERM while copying: no device suspended"
t_snap_valid "SIGTERM while copying: snapshot valid" "$VG" snap
t_eq "SIGTERM while copying: snapshot unchanged" "$(vm_sha "/dev/$VG/snap")" "$SNAP_SHA"
vm_log "partly reverted origin: $(vm_sha "/dev/$VG/data") (before $SHA_W, goal $SNAP_SHA)"
vm_revert -y "$VG/data" "$VG/snap"
t_eq "re-run: exit 0" "$REV_RC" 0
[[ $REV_RC == 0 ]] || vm_show_revert
t_eq "re-run: origin equals the snapshot" "$(vm_sha "/dev/$VG/data")" "$SNAP_SHA"
t_snap_valid "re-run: snapshot valid" "$VG" snap
vm_no_suspended "re-run: no device suspended"

vm_cleanup_vg "$VG"
t_done
