#!/usr/bin/env bash
# power-cut.sh — a power cut in the middle of a real revert, in two boots.
#
# Usage (as root, from anywhere):
#   tests/vm/power-cut.sh [--keep] [--calibrate] BUILD_DIR
#
# Boot 1 (power-cut/boot1.sh) builds an origin with a snapshot and a sibling
# snapshot on a PV whose device-mapper device it slows down (writes delayed),
# starts `lvm-revert -y pcvg/data pcvg/snap` (112 MiB to write) and, once the
# origin has completed writes of it, creates copy-under-way in the workdir;
# run-in-vm.sh --kill-when then SIGKILLs qemu. Boot 2 (power-cut/boot2.sh)
# boots the same disk image, puts the PV's device back, and checks that the
# cut came mid-copy, that both snapshots are valid and unchanged, and that
# the same command completes the revert.
#
#   --keep        keep the workdir (disk image, console logs) even on success
#   --calibrate   boot 1 only, without the kill: the copy runs to its end and
#                 boot 1 prints when the signal came and how long it took
#
# Exit status 0 only if every check of both boots passed. TAP from both boots
# is on the console; this script adds its own checks and a summary.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
KEEP=0
CALIBRATE=0
while [[ $# -gt 0 ]]; do
    case "$1" in
        --keep) KEEP=1; shift ;;
        --calibrate) CALIBRATE=1; shift ;;
        -h|--help) sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"; exit 0 ;;
        -*) echo "power-cut: unknown option '$1'" >&2; exit 2 ;;
        *) break ;;
    esac
done
[[ $# -eq 1 ]] || { echo "usage: $0 [--keep] [--calibrate] BUILD_DIR" >&2; exit 2; }
build=$(cd "$1" && pwd)
LVM_REVERT=$build/lvmext/lvm-revert
[[ -x $LVM_REVERT ]] || { echo "power-cut: $LVM_REVERT is not built" >&2; exit 2; }

PC_NAME=power-cut
PC_KEPT="disk-0.img, boot1-console.log, run/console.log"
# shellcheck source=tests/vm/power-cut/host-lib.sh
. "$here/power-cut/host-lib.sh"

VM=("$here/run-in-vm.sh" --workdir "$W" --timeout 600 --env "LVM_REVERT=$LVM_REVERT")
cd "$repo"

if [[ $CALIBRATE == 1 ]]; then
    rc=0
    "${VM[@]}" --disk 1G --env PC_CALIBRATE=1 -- bash tests/vm/power-cut/boot1.sh || rc=$?
    check "calibration boot: exit 0" "run-in-vm exit $rc" test "$rc" = 0
    echo "1..$N"
    exit $((FAILED > 0))
fi

echo "# power-cut: boot 1 (revert, then SIGKILL of qemu once the copy is under way)"
rc=0
"${VM[@]}" --disk 1G --kill-when copy-under-way -- bash tests/vm/power-cut/boot1.sh || rc=$?
cp -f "$W/run/console.log" "$W/boot1-console.log" 2>/dev/null || true
killed=no
[[ $rc != 125 || ! -s $W/run/killed ]] || killed=yes
check "boot 1 ended by the kill (run-in-vm exit 125, run/killed present)" \
    "run-in-vm exit $rc, run/killed: $(cat "$W/run/killed" 2>/dev/null || echo missing)" test $killed = yes
check "boot 1 signalled the copy under way" "no $W/copy-under-way" test -s "$W/copy-under-way"
bad="no console log"
[[ ! -s $W/boot1-console.log ]] || bad=$(grep -E '^(not ok|Bail out!)' "$W/boot1-console.log" | head -3 || true)
check "boot 1: no failed check before the cut" "$bad" test -z "$bad"
check "boot 1 saved its state" "no $W/power-cut.state" test -s "$W/power-cut.state"
if [[ -s $W/run/killed && -s $W/copy-under-way ]]; then
    echo "# guest signal: $(cat "$W/copy-under-way"); kill $(awk -v k="$(cat "$W/run/killed")" -v m="$(stat -c %.Y "$W/copy-under-way")" \
        'BEGIN { printf "%.2f", k - m }')s later (host clock)"
fi
sed 's/^/# boot 1 lvm-revert: /' "$W/boot1-revert.out" "$W/boot1-revert.err" 2>/dev/null | head -8

if [[ $FAILED == 0 ]]; then
    echo "# power-cut: boot 2 (same disk image)"
    rc=0
    "${VM[@]}" --disk-file "$W/disk-0.img" -- bash tests/vm/power-cut/boot2.sh || rc=$?
    check "boot 2: every check passed (exit 0)" "run-in-vm exit $rc" test "$rc" = 0
else
    not_ok "boot 2 not run: boot 1 failed"
fi
echo "1..$N"
if [[ $FAILED == 0 ]]; then echo "power-cut: PASS"; else echo "power-cut: FAIL ($FAILED)"; fi
exit $((FAILED > 0))
