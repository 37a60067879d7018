#!/usr/bin/env bash
# power-cut-backup.sh — a power cut while lvm-revert --backup FILE is writing
# the backup, in two boots.
#
# Usage (as root, from anywhere):
#   tests/vm/power-cut-backup.sh [--keep] [--no-sync] BUILD_DIR
#
# Boot 1 (power-cut/backup-boot1.sh) builds an origin with a snapshot and a
# sibling snapshot on the first disk, an ext4 filesystem on the second, and
# starts `lvm-revert -y --queue-depth 1 --backup FILE pcvg/data pcvg/snap`
# with FILE on that ext4, held by LVM_REVERT_DEBUG_PAUSE=backing-up:60 after
# the first completed write of the backup. Once the guest sees it there
# (half-written, header valid=0, nothing written to the origin), it runs
# sync and creates backup-under-way in the workdir; run-in-vm.sh --kill-when
# then SIGKILLs qemu. Boot 2 (power-cut/backup-boot2.sh) boots both disk
# images again and checks that the origin and both snapshots are untouched,
# that the half-written backup is refused (exit 4, valid=0) by --restore and
# the offline form, and that the revert with a backup, run again, works and
# its backup restores the origin exactly.
#
#   --keep        keep the workdir (disk images, console logs) even on success
#   --no-sync     no sync before the cut: the disk keeps only what lvm-revert
#                 and the kernel made durable (the file may then be missing
#                 or empty in boot 2; any of those must be refused too)
#
# Exit status 0 only if every check of both boots passed. TAP from both boots
# is on the console; this script adds its own checks and a summary.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
KEEP=0
SYNC=1
while [[ $# -gt 0 ]]; do
    case "$1" in
        --keep) KEEP=1; shift ;;
        --no-sync) SYNC=0; shift ;;
        -h|--help) sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"; exit 0 ;;
        -*) echo "power-cut-backup: unknown option '$1'" >&2; exit 2 ;;
        *) break ;;
    esac
done
[[ $# -eq 1 ]] || { echo "usage: $0 [--keep] [--no-sync] BUILD_DIR" >&2; exit 2; }
build=$(cd "$1" && pwd)
LVM_REVERT=$build/lvmext/lvm-revert
[[ -x $LVM_REVERT ]] || { echo "power-cut-backup: $LVM_REVERT is not built" >&2; exit 2; }

PC_NAME=power-cut-backup
PC_KEPT="disk-0.img, disk-1.img, boot1-console.log, run/console.log"
# shellcheck source=tests/vm/power-cut/host-lib.sh
. "$here/power-cut/host-lib.sh"

VM=("$here/run-in-vm.sh" --workdir "$W" --timeout 600 --env "LVM_REVERT=$LVM_REVERT" --env "PCB_SYNC=$SYNC")
cd "$repo"

echo "# power-cut-backup: boot 1 (revert with --backup, SIGKILL of qemu while the backup is half-written)"
rc=0
"${VM[@]}" --disk 1G --disk 128M --kill-when backup-under-way -- bash tests/vm/power-cut/backup-boot1.sh || rc=$?
cp -f "$W/run/console.log" "$W/boot1-console.log" 2>/dev/null || true
killed=no
[[ $rc != 125 || ! -s $W/run/killed ]] || killed=yes
check "boot 1 ended by the kill (run-in-vm exit 125, run/killed present)" \
    "run-in-vm exit $rc, run/killed: $(cat "$W/run/killed" 2>/dev/null || echo missing)" test $killed = yes
check "boot 1 signalled the backup under way" "no $W/backup-under-way" test -s "$W/backup-under-way"
bad="no console log"
[[ ! -s $W/boot1-console.log ]] || bad=$(grep -E '^(not ok|Bail out!)' "$W/boot1-console.log" | head -3 || true)
check "boot 1: no failed check before the cut" "$bad" test -z "$bad"
check "boot 1 saved its state" "no $W/power-cut-backup.state" test -s "$W/power-cut-backup.state"
if [[ -s $W/run/killed && -s $W/backup-under-way ]]; then
    echo "# guest signal: $(cat "$W/backup-under-way"); kill $(awk -v k="$(cat "$W/run/killed")" -v m="$(stat -c %.Y "$W/backup-under-way")" \
        'BEGIN { printf "%.2f", k - m }')s later (host clock)"
fi
sed 's/^/# boot 1 lvm-revert: /' "$W/backup-boot1-revert.out" "$W/backup-boot1-revert.err" 2>/dev/null | head -8

if [[ $FAILED == 0 ]]; then
    echo "# power-cut-backup: boot 2 (same disk images)"
    rc=0
    "${VM[@]}" --disk-file "$W/disk-0.img" --disk-file "$W/disk-1.img" -- bash tests/vm/power-cut/backup-boot2.sh || rc=$?
    check "boot 2: every check passed (exit 0)" "run-in-vm exit $rc" test "$rc" = 0
else
    not_ok "boot 2 not run: boot 1 failed"
fi
echo "1..$N"
if [[ $FAILED == 0 ]]; then echo "power-cut-backup: PASS"; else echo "power-cut-backup: FAIL ($FAILED)"; fi
exit $((FAILED > 0))
