# shellcheck shell=bash
# Shared by boot1.sh and boot2.sh of tests/vm/power-cut.sh (sourced, in the guest).
# shellcheck disable=SC2034  # the variables are for the scripts that source this
. "$(dirname "${BASH_SOURCE[0]}")/../guest-lib.sh"

VG=pcvg
PV=pcpv                  # our dm device under the PV: linear (delay in boot 1's copy)
DISK=$(vm_disk 0)
START=2048               # sectors of $DISK before the PV, so $DISK shows no PV label
STATE=$VM_WORKDIR/power-cut.state
ORIGIN_DM=$(vm_dm_name "$VG" data)
REVERT_ARGS=(-y "$VG/data" "$VG/snap")   # the same command in both boots
# The sibling saves these chunks when the revert writes them (64 KiB chunks,
# origin 0..48 MiB: changed after the snapshot, not yet after the sibling).
SIB_NEW_CHUNKS=768
SIB_CHUNK_SECTORS=128

# guest_now: seconds on the guest clock, for durations measured in one boot.
guest_now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(guest_now)" 'BEGIN { printf "%.1f", b - a }'; }
