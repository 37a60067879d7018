#!/usr/bin/env bash
# Power cut, boot 1 (run by tests/vm/power-cut.sh). Origin 128 MiB; snapshot
# "snap"; 64 MiB changed; sibling "sib"; 64 MiB more changed (overlapping),
# so 112 MiB differ from snap and the revert's writes to 0..48 MiB make the
# kernel save chunks into sib. Then the PV's device is reloaded to a `delay`
# table (writes held PC_DELAY_MS ms), the revert starts, and once the origin
# has completed writes of it, the guest creates $VM_WORKDIR/copy-under-way;
# run-in-vm.sh --kill-when SIGKILLs qemu then. With PC_CALIBRATE=1 nothing
# is killed: the copy runs to its end and its timings are printed.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

DELAY_MS=${PC_DELAY_MS:-1000}
SIGNAL=$VM_WORKDIR/${PC_SIGNAL:-copy-under-way}
# Signal when at least this much of the copy has been submitted to the
# origin, and some of it completed: well into the copy, far from its end.
SIGNAL_SECTORS=${PC_SIGNAL_SECTORS:-65536}   # 32 MiB
rm -f "$STATE" "$SIGNAL"

modprobe dm-delay
vm_dm_over "$PV" "$DISK" "$START"
LEN=$(blockdev --getsz "/dev/mapper/$PV")
vm_make_vg "$VG" "/dev/mapper/$PV"
lvcreate -q -y -L 128M -n data "$VG" >/dev/null
vm_fill "/dev/$VG/data" 1 128
lvcreate -q -y -s -c 64k -L 120M -n snap "$VG/data" >/dev/null
vm_fill "/dev/$VG/data" 2 64 0
lvcreate -q -y -s -c 64k -L 120M -n sib "$VG/data" >/dev/null
vm_fill "/dev/$VG/data" 3 64 48
# What the snapshots show before the revert (SHA0: the goal).
SHA0=$(vm_sha "/dev/$VG/snap")
SHA_SIB=$(vm_sha "/dev/$VG/sib")
SHA_W=$(vm_sha "/dev/$VG/data")
t_ne "the origin differs from snap" "$SHA_W" "$SHA0"
t_ne "sib differs from snap" "$SHA_SIB" "$SHA0"
t_ne "sib differs from the origin" "$SHA_SIB" "$SHA_W"

vm_revert --dry-run --json "${REVERT_ARGS[@]:1}"
t_eq "dry run: exit 0" "$REV_RC" 0
vm_json_load
t_json "dry run: 112 MiB to write" bytes 117440512
t_json "dry run: sib must save $SIB_NEW_CHUNKS chunks" "siblings.$VG/sib.new_chunks" "$SIB_NEW_CHUNKS"
t_json "dry run: sib has room for them" "siblings.$VG/sib.would_overflow" false
[[ $T_FAILED == 0 ]] || { sed 's/^/# json: /' "$REV_OUT" | cut -c1-600; t_bail "set-up checks failed"; }

SIB_USED=$(vm_snap_used "$VG" sib)
SNAP_USED=$(vm_snap_used "$VG" snap)
{
    echo "START=$START"
    echo "LEN=$LEN"
    echo "SHA0=$SHA0"
    echo "SHA_W=$SHA_W"
    echo "SHA_SIB=$SHA_SIB"
    echo "SIB_USED=$SIB_USED"
    echo "SNAP_USED=$SNAP_USED"
} >"$STATE.tmp"
sync
mv "$STATE.tmp" "$STATE"
sync

# Slow writes from here on: the copy takes seconds, the kill lands inside it.
vm_dm_reload "$PV" "$(vm_dm_table_delay "$DISK" "$START" "$LEN" "$DELAY_MS")"
vm_log "$PV: writes delayed ${DELAY_MS} ms: $(dmsetup table "$PV")"
MINOR=$(dmsetup info -c --noheadings -o minor "$ORIGIN_DM" | tr -d ' ')
read -r -a st0 <"/sys/block/dm-$MINOR/stat"
BASE_DONE=$((st0[4] - st0[8]))

T0=$(guest_now)
"$LVM_REVERT" "${REVERT_ARGS[@]}" </dev/null >"$VM_WORKDIR/boot1-revert.out" 2>"$VM_WORKDIR/boot1-revert.err" &
RP=$!
vm_bg_add "$RP"
# Poll the origin's counters: writes submitted (sectors) and a lower bound
# on writes completed (requests counted less those in flight).
signalled=""
log=/tmp/pc-stat.log
: >"$log"
while kill -0 "$RP" 2>/dev/null; do
    read -r -a st <"/sys/block/dm-$MINOR/stat"
    done_w=$((st[4] - st[8] - BASE_DONE))
    sect=$((st[6] - st0[6]))
    [[ ${PC_CALIBRATE:-0} != 1 ]] || echo "$(since "$T0") $sect $done_w ${st[8]}" >>"$log"
    if [[ -z $signalled && $done_w -gt 0 && $sect -ge $SIGNAL_SECTORS ]]; then
        signalled=$(since "$T0")
        vm_log "copy under way at ${signalled}s (guest clock): $((sect / 2048)) MiB submitted to the origin, >= $done_w writes completed; signalling the power cut"
        echo "t=$signalled sectors=$sect completed>=$done_w" >"$SIGNAL.tmp"
        mv "$SIGNAL.tmp" "$SIGNAL"
        [[ ${PC_CALIBRATE:-0} == 1 ]] || break
    fi
    sleep 0.05
done

if [[ ${PC_CALIBRATE:-0} != 1 ]]; then
    # The host kills qemu within a fraction of a second; if we get further,
    # the copy ended before the power cut.
    rc=0
    wait "$RP" || rc=$?
    t_fail "the power cut came while the copy ran" "lvm-revert ended (exit $rc) after $(since "$T0")s, still powered"
    t_done
fi

rc=0
wait "$RP" || rc=$?
TOTAL=$(since "$T0")
vm_log "calibration: copy signalled at ${signalled:-never}s, lvm-revert ended after ${TOTAL}s (guest clock), delay ${DELAY_MS} ms"
awk 'NR % 10 == 1 { printf "#   t=%ss submitted=%d MiB completed>=%d writes in_flight=%d\n", $1, $2 / 2048, $3, $4 }' "$log"
t_eq "calibration: lvm-revert exit 0" "$rc" 0
[[ $rc == 0 ]] || sed 's/^/# /' "$VM_WORKDIR/boot1-revert.out" "$VM_WORKDIR/boot1-revert.err"
t_ne "calibration: the signal condition was met" "${signalled:-}" ""
vm_dm_reload "$PV" "$(vm_dm_table_linear "$DISK" "$START" "$LEN")"
t_eq "calibration: origin equals the snapshot" "$(vm_sha "/dev/$VG/data")" "$SHA0"
vm_cleanup_vg "$VG"
dmsetup remove "$PV" || true
t_done
