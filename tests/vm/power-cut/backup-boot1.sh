#!/usr/bin/env bash
# Power cut during --backup, boot 1 (run by tests/vm/power-cut-backup.sh).
# Origin 32 MiB; snapshot "snap"; 16 MiB changed; sibling "sib"; 8 MiB more
# changed (overlapping): 20 MiB to revert. The backup file lives on ext4 on
# the second disk (a disk image like the first, cache=none). lvm-revert -y
# --backup FILE pcvg/data pcvg/snap runs with LVM_REVERT_DEBUG_PAUSE=
# backing-up:60, which holds it for 60 s after the first completed write of
# the backup. Once the guest sees it there (snap suspended, the tool asleep
# in clock_nanosleep without using CPU, backed-up origin data in FILE, nothing written to the
# origin yet), it runs sync (unless PCB_SYNC=0) and creates
# $VM_WORKDIR/backup-under-way; run-in-vm.sh --kill-when SIGKILLs qemu then,
# with the backup half-written (--queue-depth 1: one write in flight).
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/backup-common.sh"

SIGNAL=$VM_WORKDIR/backup-under-way
rm -f "$STATE" "$SIGNAL"

vm_make_vg "$VG" "$DISK"
lvcreate -q -y -L 32M -n data "$VG" >/dev/null
vm_fill "$ORIGIN" 1 32
lvcreate -q -y -s -c 64k -L 24M -n snap "$VG/data" >/dev/null
vm_fill "$ORIGIN" 2 16 0
lvcreate -q -y -s -c 64k -L 24M -n sib "$VG/data" >/dev/null
vm_fill "$ORIGIN" 3 8 12
SHA0=$(vm_sha "/dev/$VG/snap")
SHA_SIB=$(vm_sha "/dev/$VG/sib")
SHA_W=$(vm_sha "$ORIGIN")
t_ne "the origin differs from snap" "$SHA_W" "$SHA0"
t_ne "sib differs from snap" "$SHA_SIB" "$SHA0"
t_ne "sib differs from the origin" "$SHA_SIB" "$SHA_W"

# 4 KiB blocks: with the 1 KiB blocks mkfs picks for a small disk, io_uring
# O_DIRECT writes to a file on it come back EIO from this qemu (cache=none).
mkfs.ext4 -q -F -b 4096 "$BK_DISK" >/dev/null 2>&1
mkdir -p "$BK_MNT"
mount -t ext4 "$BK_DISK" "$BK_MNT"

vm_revert --dry-run --json "${REVERT_ARGS[@]:1}"
t_eq "dry run: exit 0" "$REV_RC" 0
vm_json_load
t_json "dry run: 20 MiB to write" bytes 20971520
t_json "dry run: sib must save $SIB_NEW_CHUNKS chunks" "siblings.$VG/sib.new_chunks" "$SIB_NEW_CHUNKS"
t_json "dry run: sib has room for them" "siblings.$VG/sib.would_overflow" false
t_json_not_string "dry run: names no backup written" backup
if [[ -e $BK ]]; then t_fail "dry run: no backup file created"; else t_ok "dry run: no backup file created"; fi
[[ $T_FAILED == 0 ]] || { sed 's/^/# json: /' "$REV_OUT" | cut -c1-600; t_bail "set-up checks failed"; }

SIB_USED=$(vm_snap_used "$VG" sib)
SNAP_USED=$(vm_snap_used "$VG" snap)
{
    echo "SHA0=$SHA0"
    echo "SHA_W=$SHA_W"
    echo "SHA_SIB=$SHA_SIB"
    echo "SIB_USED=$SIB_USED"
    echo "SNAP_USED=$SNAP_USED"
} >"$STATE.tmp"
sync
mv "$STATE.tmp" "$STATE"
sync

MINOR=$(dmsetup info -c --noheadings -o minor "$ORIGIN_DM" | tr -d ' ')
read -r -a st0 <"/sys/block/dm-$MINOR/stat"

T0=$(guest_now)
LVM_REVERT_DEBUG_PAUSE=backing-up:60 "$LVM_REVERT" "${REVERT_ARGS[@]}" </dev/null \
    >"$VM_WORKDIR/backup-boot1-revert.out" 2>"$VM_WORKDIR/backup-boot1-revert.err" &
RP=$!
vm_bg_add "$RP"

# 1. The snapshot is suspended: the backup is written with it suspended.
vm_wait_suspended "$(vm_dm_name "$VG" snap)" "$RP" 60 || {
    vm_kill_bg
    sed 's/^/# /' "$VM_WORKDIR/backup-boot1-revert.out" "$VM_WORKDIR/backup-boot1-revert.err"
    t_bail "lvm-revert ended or never suspended snap"
}
# 2. The tool is asleep in the debug pause, which comes only after a
#    completed write of the backup: its main thread in clock_nanosleep
#    (syscall 230 on x86_64), or in restart_syscall (219) once an io_uring
#    completion's task work has interrupted and restarted the sleep (during
#    the copy itself it waits in io_uring_enter, 426), and using no CPU.
in_sleep() {
    local nr
    nr=$(cut -d' ' -f1 "/proc/$RP/syscall" 2>/dev/null) || return 1
    [[ $nr == 230 || $nr == 219 ]]
}
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$RP/stat" 2>/dev/null; }
in_pause() {
    local t0
    in_sleep || return 1
    t0=$(cpu_ticks)
    sleep 0.5
    in_sleep && [[ $(cpu_ticks) == "$t0" ]]
}
tries=300
until in_pause; do
    kill -0 "$RP" 2>/dev/null || break
    ((tries-- > 0)) || break
    sleep 0.05
done
in_pause || {
    vm_log "syscall: $(cat "/proc/$RP/syscall" 2>&1)"
    vm_kill_bg
    sed 's/^/# /' "$VM_WORKDIR/backup-boot1-revert.out" "$VM_WORKDIR/backup-boot1-revert.err"
    t_bail "lvm-revert never reached the backing-up pause"
}
AT=$(since "$T0")
# 3. What the guest sees then: the backup file, unfinished (header valid=0),
#    with some of the origin's data in it; nothing written to the origin.
HDR=$(bk_header)
SEEDS=$(vm_block_seeds "$BK")
read -r -a st <"/sys/block/dm-$MINOR/stat"
ORIGIN_SECTORS=$((st[6] - st0[6]))
vm_log "paused at ${AT}s (guest clock): backup header '$HDR', blocks by seed: $SEEDS; origin sectors written: $ORIGIN_SECTORS"
t_eq "in the pause: the backup's header says SnAp, valid=0 (unfinished), 128-sector chunks" "$HDR" "$HDR_UNFINISHED"
BACKED_UP=0
for w in $SEEDS; do [[ $w != [23]:* ]] || BACKED_UP=$((BACKED_UP + ${w#*:})); done
if ((BACKED_UP > 0 && BACKED_UP < 5120)); then
    t_ok "in the pause: the backup is half-written ($BACKED_UP of the 5120 blocks to save)"
else
    t_fail "in the pause: the backup is half-written" "$BACKED_UP of the 5120 blocks to save (blocks by seed: $SEEDS)"
fi
t_eq "in the pause: nothing written to the origin yet" "$ORIGIN_SECTORS" 0
if [[ ${PCB_SYNC:-1} != 0 ]]; then
    # Make what the tool wrote so far durable (the file's name and size,
    # its unfinished header and the data written), as the ext4 journal's
    # commit does every few seconds anyway: the cut then finds the most
    # complete-looking half-written backup. With PCB_SYNC=0 the disk keeps
    # only what the tool and the kernel made durable themselves.
    sync
fi
if in_pause; then t_ok "still in the pause (syscall $(cut -d' ' -f1 "/proc/$RP/syscall"))"; else
    t_fail "still in the pause" "syscall: $(cat "/proc/$RP/syscall" 2>&1)"; fi
[[ $T_FAILED == 0 ]] || t_bail "not in the state the power cut is for"

vm_log "signalling the power cut"
echo "t=$AT header=$HDR seeds=$SEEDS sync=${PCB_SYNC:-1}" >"$SIGNAL.tmp"
mv "$SIGNAL.tmp" "$SIGNAL"
# The host kills qemu within a fraction of a second; the pause lasts 60 s.
# Getting further means the power cut never came.
sleep 30
rc=running
kill -0 "$RP" 2>/dev/null || { rc=0; wait "$RP" || rc=$?; }
t_fail "the power cut came during the backup" "still powered 30 s after the signal; lvm-revert: $rc"
t_done
